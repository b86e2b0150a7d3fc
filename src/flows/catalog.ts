import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ActionRegistry } from '../engine/actions.ts';
import { createTranslator, flatKeys, resourcesFromTexts, type Translator } from '../i18n.ts';
import type { Logger } from 'pino';
import type { Db, Queryable } from '../store/db.ts';
import { findRelease, FLOWS_CHANNEL, liveReleaseId } from '../store/flowReleases.ts';
import { findFlowVersionTexts } from '../store/flowVersions.ts';
import { checkFlows } from './check.ts';
import { checkReadabilityOf } from './checkReadability.ts';
import { diskPath, localeFiles, readFlowFiles, type FlowFiles } from './flowFiles.ts';
import { dataNamesOf, withDataNames } from './dataNames.ts';
import { noteDataNames } from '../languages/live.ts';
import { readDataNameTexts } from './dataNameTexts.ts';
import { statusFileProblems } from './translationStatus.ts';
import { commandKeys, parseCommandsFile, type Command } from './commands.ts';
import { compileFlow, type CompiledFlow } from './compile.ts';
import { parseFlowFile, type Locator } from './parseFlowFile.ts';
import { formatProblem, hasErrors, type Problem } from './problem.ts';
import { commitRelease } from './releases/commitRelease.ts';
import { filesHash } from './releases/filesHash.ts';
import type { Flow } from './schema.ts';

export const FLOW_SUFFIX = '.flow.yaml';
export const COMMANDS_FILE = 'commands.yaml';

export interface FlowSet {
  /** Current version of every startable flow, by id. */
  flows: Map<string, CompiledFlow>;
  commands: Command[];
  translator: Translator;
  /** Warnings of this load (errors mean it was refused). */
  warnings: Problem[];
  /** Flow texts by id. */
  texts: Map<string, string>;
  /** For each startable flow, the texts its current version is made of (stored in flow_versions). */
  versionTexts: Map<string, Record<string, string>>;
  /** The files this set was built from. */
  files: FlowFiles;
  loadedAt: Date;
  /** The release this set is (absent for a set not published, such as a draft or a flow test). */
  release?: LiveRelease;
}

/** What the engine needs to know of the live release. */
export interface LiveRelease {
  id: number;
  /** What happens to a conversation this release orphans (null: it restarts, told why). */
  orphanPolicy: 'handoff' | 'restart' | null;
}

export interface LoadOptions {
  flowsDir: string;
  localesDir: string;
  actions: ActionRegistry;
}

export type LoadResult = { ok: true; set: FlowSet } | { ok: false; problems: Problem[] };

/** Content hash over a flow and every flow it uses. */
/** A flow and every flow it uses, directly or through others (sorted ids). */
export function flowClosure(id: string, flows: ReadonlyMap<string, Flow>): string[] {
  const seen = new Set<string>();
  const visit = (fid: string) => {
    if (seen.has(fid)) return;
    seen.add(fid);
    for (const s of flows.get(fid)?.steps.values() ?? []) if (s.kind === 'use') visit(s.use);
  };
  visit(id);
  return [...seen].sort();
}

/** The texts a version is made of: the flow's own and those of every flow it uses. */
export function versionTexts(id: string, flows: ReadonlyMap<string, Flow>, texts: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(flowClosure(id, flows).map((fid) => [fid, texts.get(fid) ?? '']));
}

/** Content hash over a flow and every flow it uses. */
export function flowVersion(id: string, flows: ReadonlyMap<string, Flow>, texts: ReadonlyMap<string, string>): string {
  const h = createHash('sha256');
  for (const [fid, text] of Object.entries(versionTexts(id, flows, texts))) h.update(`${fid}\0${text}\0`);
  return h.digest('hex').slice(0, 16);
}

/** Parses texts (file name → content) without touching the disk; used for stored versions too. */
export function parseFlowTexts(files: ReadonlyMap<string, string>): { flows: Map<string, { flow: Flow; locator: Locator }>; texts: Map<string, string>; problems: Problem[] } {
  const flows = new Map<string, { flow: Flow; locator: Locator }>();
  const texts = new Map<string, string>();
  const problems: Problem[] = [];
  for (const [file, text] of files) {
    const parsed = parseFlowFile(file, text);
    problems.push(...parsed.problems);
    if (!parsed.flow) continue;
    const expected = path.basename(file, FLOW_SUFFIX);
    if (parsed.flow.id !== expected) {
      problems.push(parsed.locator.problem(['id'], 'schema', `id "${parsed.flow.id}" must match the file name "${expected}"`));
      continue;
    }
    flows.set(parsed.flow.id, { flow: parsed.flow, locator: parsed.locator });
    texts.set(parsed.flow.id, text);
  }
  return { flows, texts, problems };
}

/**
 * Reads, checks and compiles every flow from the two folders. Nothing goes live unless the whole
 * set passes. Problems name the files on disk.
 */
export async function loadFlowSet(opts: LoadOptions): Promise<LoadResult> {
  let files: FlowFiles;
  try {
    files = await readFlowFiles(opts.flowsDir, opts.localesDir);
  } catch (err) {
    return { ok: false, problems: [{ severity: 'error', code: 'locale', file: opts.localesDir, line: 1, col: 1, path: '', message: (err as Error).message }] };
  }
  const r = await loadFlowSetFromFiles(files, opts);
  const onDisk = (ps: Problem[]) => ps.map((p) => ({ ...p, file: diskPath(p.file, opts.flowsDir, opts.localesDir), message: p.message }));
  return r.ok ? { ok: true, set: { ...r.set, warnings: onDisk(r.set.warnings) } } : { ok: false, problems: onDisk(r.problems) };
}

/**
 * Checks and compiles a FlowFiles set (a release, the studio's draft, the folders): problems name
 * FlowFiles paths (`flows/main.flow.yaml`). The names of courses, venues and partners come from
 * the programme data files in `opts.flowsDir`.
 */
export async function loadFlowSetFromFiles(files: FlowFiles, opts: Pick<LoadOptions, 'flowsDir' | 'actions'>): Promise<LoadResult> {
  let resources;
  const names = await readDataNameTexts(opts.flowsDir);
  try {
    resources = withDataNames(resourcesFromTexts(localeFiles(files)), dataNamesOf(names));
  } catch (err) {
    const file = /^(locales\/[^:]+):/.exec((err as Error).message)?.[1] ?? 'locales';
    return { ok: false, problems: [{ severity: 'error', code: 'locale', file, line: 1, col: 1, path: '', message: (err as Error).message }] };
  }
  const flowTexts = new Map(Object.entries(files).filter(([p]) => /^flows\/[^/]+\.flow\.yaml$/.test(p)).sort(([a], [b]) => a.localeCompare(b)));
  const { flows, texts, problems } = parseFlowTexts(flowTexts);
  // A translation status file that cannot be read would leave LANGUAGES_LIVE=reviewed guessing: refuse it like any broken file.
  for (const s of statusFileProblems(files)) problems.push({ severity: 'error', code: 'translation_status', file: s.file, line: 1, col: 1, path: '', message: s.message });
  const commandsPath = `flows/${COMMANDS_FILE}`;
  const commandsFile = parseCommandsFile(commandsPath, files[commandsPath] ?? 'commands: []');
  problems.push(...commandsFile.problems);
  if (hasErrors(problems)) return { ok: false, problems };

  const locales = Object.fromEntries(Object.entries(resources).map(([l, r]) => [l, flatKeys(r)]));
  problems.push(...checkFlows({ flows, actions: opts.actions, locales, trees: resources, extraKeys: commandKeys(commandsFile) }));
  problems.push(...checkReadabilityOf({ files, flows: [...flows.values()].map((f) => f.flow) }));
  if (hasErrors(problems)) return { ok: false, problems };

  const plain = new Map([...flows].map(([id, f]) => [id, f.flow]));
  const compiled = new Map<string, CompiledFlow>();
  const byVersion = new Map<string, Record<string, string>>();
  for (const [id, { flow }] of flows) {
    if (flow.subflow) continue;
    compiled.set(id, compileFlow(flow, flowVersion(id, plain, texts), { flows: plain }));
    byVersion.set(id, versionTexts(id, plain, texts));
  }
  // The engine's LANGUAGES_LIVE=reviewed counts the data names too, as `translations status` does.
  noteDataNames(files, names);
  return {
    ok: true,
    set: {
      flows: compiled,
      commands: commandsFile.commands,
      translator: await createTranslator(resources),
      warnings: problems,
      texts,
      versionTexts: byVersion,
      files,
      loadedAt: new Date(),
    },
  };
}

/**
 * Holds the live flow set — the live release's files, not the disk — and every version a stored
 * conversation may still use. `reload()` publishes the folders as a `files` release when they
 * changed since the last release made from files (a deploy with new files wins; a studio publish
 * survives a restart when the files did not change); a folder the checker refuses leaves the last
 * good release live. Once `start()`ed, the catalog follows the live release across processes:
 * NOTIFY on `anchorline_flows`, and the release id each turn reads in its first round trip
 * (`atRelease`), so two processes switch on the same turn even when a NOTIFY is late.
 */
export class FlowCatalog {
  #set: FlowSet | undefined;
  #lastProblems: Problem[] = [];
  readonly #versions = new Map<string, CompiledFlow>();
  /** Compiles in progress or done, by release id: once per process per release. */
  readonly #compiling = new Map<number, Promise<LoadResult>>();
  #follow = false;
  #unlisten: (() => Promise<void>) | undefined;
  #logger: Logger | undefined;

  constructor(
    readonly opts: LoadOptions,
    readonly db: Db,
  ) {}

  get current(): FlowSet {
    if (!this.#set) throw new Error('flows are not loaded');
    return this.#set;
  }

  get loaded(): boolean {
    return this.#set !== undefined;
  }

  /** The live release this catalog runs (null before any). */
  get releaseId(): number | null {
    return this.#set?.release?.id ?? null;
  }

  /** Problems of the last refused reload (empty when the last load succeeded). */
  get lastProblems(): Problem[] {
    return this.#lastProblems;
  }

  /** Records why a publish of the folders was refused (empty: it went through), for /readyz. */
  noteRefusal(problems: Problem[]): void {
    this.#lastProblems = problems;
  }

  /**
   * Reloads from the folders, then follows the live release: LISTEN (unless `listen: false`) and
   * the per-turn check. The composition root calls it once.
   */
  async start(o: { listen?: boolean; logger?: Logger } = {}): Promise<LoadResult> {
    this.#logger = o.logger;
    this.#follow = true;
    const r = await this.reload();
    if (o.listen !== false && !this.#unlisten) {
      this.#unlisten = await this.db.listen(
        FLOWS_CHANNEL,
        (payload) => {
          const id = Number(payload);
          if (Number.isSafeInteger(id) && id > 0) void this.atRelease(id, this.db).catch((err: unknown) => this.#logger?.error({ err }, 'switching flow release failed'));
        },
        // Catch up on a release published while the connection was down.
        () => void liveReleaseId(this.db).then((id) => this.atRelease(id, this.db)).catch((err: unknown) => this.#logger?.error({ err }, 'reading the live flow release failed')),
      );
    }
    return r;
  }

  async stop(): Promise<void> {
    this.#follow = false;
    const u = this.#unlisten;
    this.#unlisten = undefined;
    await u?.();
  }

  /**
   * Publishes the folders as a `files` release when they changed (checked by the loader; refused
   * → the last good release stays and `lastProblems` says why), then loads the live release.
   * Problems name the files on disk.
   */
  async reload(): Promise<LoadResult> {
    const onDisk = (ps: Problem[]) => ps.map((p) => ({ ...p, file: diskPath(p.file, this.opts.flowsDir, this.opts.localesDir) }));
    const files = await readFlowFiles(this.opts.flowsDir, this.opts.localesDir).catch((err: unknown) => err as Error);
    const r: LoadResult =
      files instanceof Error
        ? { ok: false, problems: [{ severity: 'error', code: 'locale', file: this.opts.localesDir, line: 1, col: 1, path: '', message: files.message }] }
        : await loadFlowSetFromFiles(files, this.opts);
    if (!r.ok || files instanceof Error) {
      this.#lastProblems = r.ok ? [] : onDisk(r.problems);
      // The last good release stays live; a fresh process still runs it.
      if (!this.#set) await this.loadLive().catch(() => undefined);
      return { ok: false, problems: this.#lastProblems };
    }
    this.#lastProblems = [];
    const c = await commitRelease(this.db, { files, set: r.set, source: 'files', revertOf: null, createdBy: 'files', note: 'the flows folder', orphanPolicy: null }, 'folderChanged');
    if (c.published) {
      const set: FlowSet = { ...r.set, release: { id: c.id, orphanPolicy: null } };
      this.#compiling.set(c.id, Promise.resolve({ ok: true, set }));
      this.#install(set);
    } else if (c.liveId !== null && c.liveId !== this.releaseId) {
      const live = await this.#switch(c.liveId, this.db, { files, set: r.set });
      if (!live.ok) {
        // The live release does not load in this process (an action it calls is not registered
        // here): run the folders, which do, rather than nothing.
        this.#lastProblems = live.problems;
        if (!this.#set) this.#set = r.set;
        return live;
      }
    }
    return { ok: true, set: { ...this.current, warnings: onDisk(r.set.warnings) } };
  }

  /** Loads the live release without looking at the folders (tools such as `flows import`); false when none is live. */
  async loadLive(): Promise<boolean> {
    const id = await liveReleaseId(this.db);
    return id !== null && (await this.#switch(id, this.db)).ok;
  }

  /**
   * The live release id a turn read in its first round trip: when it is newer than this
   * catalog's, the turn waits while the release is loaded (read through the turn's `q`) and
   * compiled (once per process per release), then runs on it.
   */
  async atRelease(id: number | null, q: Queryable): Promise<void> {
    if (!this.#follow || id === null || id <= (this.releaseId ?? 0)) return;
    const r = await this.#switch(id, q);
    if (!r.ok) this.#logger?.error({ release: id, problems: r.problems.slice(0, 20).map(formatProblem) }, 'the live flow release does not load here; the last good flows stay');
  }

  /** Runs release `id` from now on when it is newer than this catalog's (a publish in this process calls it). */
  switchTo(id: number, q: Queryable = this.db): Promise<LoadResult> {
    return this.#switch(id, q);
  }

  /**
   * `loaded`: a set this process has just checked and compiled from `files`. When the release has
   * exactly those files (a restart with the folder unchanged: the live release is the folder's) it
   * is that set, and is not loaded a second time.
   */
  async #switch(id: number, q: Queryable, loaded?: { files: FlowFiles; set: FlowSet }): Promise<LoadResult> {
    let compiling = this.#compiling.get(id);
    if (!compiling) {
      const release = await findRelease(q, id);
      if (!release) return { ok: false, problems: [{ severity: 'error', code: 'release', file: 'flow_releases', line: 1, col: 1, path: String(id), message: `release ${id} does not exist` }] };
      const orphanPolicy = release.orphan_policy;
      const same = loaded !== undefined && filesHash(release.files) === filesHash(loaded.files);
      // Another caller may have started it while the release was read.
      compiling =
        this.#compiling.get(id) ??
        (same ? Promise.resolve<LoadResult>({ ok: true, set: loaded.set }) : loadFlowSetFromFiles(release.files, this.opts)).then(
          (r): LoadResult => (r.ok ? { ok: true, set: { ...r.set, release: { id, orphanPolicy } } } : r),
          // A release that cannot even be read must not fail every turn: it stays refused here.
          (err: unknown): LoadResult => ({ ok: false, problems: [{ severity: 'error', code: 'release', file: 'flow_releases', line: 1, col: 1, path: String(id), message: (err as Error).message }] }),
        );
      this.#compiling.set(id, compiling);
    }
    const r = await compiling;
    if (r.ok && id > (this.releaseId ?? 0)) this.#install(r.set);
    return r.ok ? { ok: true, set: this.current } : r;
  }

  #install(set: FlowSet): void {
    this.#set = set;
    const id = set.release?.id ?? 0;
    // Older releases are never switched back to (a revert is a new release): free their sets.
    for (const old of this.#compiling.keys()) if (old < id) this.#compiling.delete(old);
    for (const c of set.flows.values()) this.#versions.set(`${c.id}@${c.version}`, c);
  }

  /** A flow at a given version: live, cached, or rebuilt from its stored text. */
  async get(id: string, version: string, q: Queryable = this.db): Promise<CompiledFlow | undefined> {
    const key = `${id}@${version}`;
    const hit = this.#versions.get(key);
    if (hit) return hit;
    const texts = await findFlowVersionTexts(q, id, version);
    if (!texts) return undefined;
    const parsed = parseFlowTexts(new Map(Object.entries(texts).map(([fid, t]) => [`${fid}${FLOW_SUFFIX}`, t])));
    const plain = new Map([...parsed.flows].map(([fid, f]) => [fid, f.flow]));
    const flow = plain.get(id);
    if (!flow) return undefined;
    const compiled = compileFlow(flow, version, { flows: plain });
    this.#versions.set(key, compiled);
    return compiled;
  }
}
