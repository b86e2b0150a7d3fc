/**
 * The draft's files besides flows and wording that a coordinator edits as YAML source: flow tests,
 * the global commands and the readability allow-list. Each opens at /studio/files/<name>, where the
 * name is the file's name in `flows/` (`commands.yaml`) or in `flows/tests/` (`journey-en.test.yaml`).
 */

/** A flow test (`flows/tests/<name>.test.yaml`): may be removed from the draft, like a flow. */
export const isFlowTestPath = (path: string): boolean => /^flows\/tests\/[a-z0-9][a-z0-9_-]*\.test\.yaml$/.test(path);

const OTHER_FILES = ['flows/commands.yaml', 'flows/readability-allow.yaml'];

/** Whether a draft path opens in the source editor (rather than the flow editor or the wording page). */
export const isSourceFilePath = (path: string): boolean => isFlowTestPath(path) || OTHER_FILES.includes(path);

/** The draft path a /studio/files/<name> page edits, or undefined for a name that is none of them. */
export function sourceFilePath(name: string): string | undefined {
  const path = name.endsWith('.test.yaml') ? `flows/tests/${name}` : `flows/${name}`;
  return isSourceFilePath(path) ? path : undefined;
}

/** The page that edits a source file: `/studio/files/<name>`. */
export const sourceFileHref = (path: string): string => `/studio/files/${path.slice(path.lastIndexOf('/') + 1)}`;
