/** The usage line of `anchorline outcomes`, apart from the command so the CLI loads the command (charts, Chromium) only when it runs. */
export const OUTCOMES_USAGE = '  anchorline outcomes report --month YYYY-MM [--partner <partner-id>] --out <file.pdf|file.html>';
