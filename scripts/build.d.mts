/** Types of scripts/build.mjs (plain JavaScript so it runs before anything is compiled). */
export declare const ROOT: string;
export declare const SRC: string;
export declare const DIST: string;
/** Hash of every source file's path, size and modification time. */
export declare function sourcesKey(): string;
/** Why dist/ cannot run as it is, or undefined when it was built from the sources there now. */
export declare function distProblem(): 'missing' | 'stale' | undefined;
/** Compiles src/ into dist/ (swapped in whole); returns the milliseconds taken. */
export declare function build(): Promise<number>;
/** Builds when dist/ is missing or stale, saying so on stderr. */
export declare function ensureBuilt(): Promise<void>;
