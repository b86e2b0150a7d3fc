import { z } from 'zod';
import { api, ApiError, savedSchema } from './studioApi.ts';

const SAVE_AFTER_MS = 700;

export type Saved = z.infer<typeof savedSchema>;

/** Someone saved this very file since the editor read it: their text (null: they removed it) and who saved the draft last. */
export interface Conflict {
  theirs: string | null;
  who: string;
}

export interface DraftSaverOptions {
  file: string;
  /** The file's text as the editor read it: the base its first save names. */
  base: string;
  revision: number;
  /** The editor's text now. */
  text(): string;
  /** Visible, not announced: "Unsaved changes…", "Saving…". */
  progress(text: string): void;
  /** A save's result or failure, for the status line. */
  saved(s: Saved): void;
  failed(message: string): void;
  conflict(c: Conflict): void;
}

export interface DraftSaver {
  /** The text changed: save it after a pause in typing. */
  changed(): void;
  /** Saves now (a pending pause is cut short); resolves when done. */
  flush(): Promise<void>;
  /** After a conflict: carry on from their text (the base becomes theirs), saving what the editor holds next. */
  rebase(theirs: string | null): void;
  readonly blocked: boolean;
}

const conflictDetail = z.object({ paths: z.array(z.string()), theirs: z.record(z.string(), z.string().nullable()), updatedBy: z.string().nullable().optional() });

/**
 * Autosave of one file of the shared draft. Every save names the text the file had when this
 * editor last read or saved it, so other people's saves of other files (wording, another flow,
 * a flow test from the preview) do not stop it; only a save of this same file does, and then
 * nothing typed is thrown away: the editor is told their text and decides.
 */
export function draftSaver(o: DraftSaverOptions): DraftSaver {
  let base: string | null = o.base;
  let revision = o.revision;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let blocked = false;

  async function save(): Promise<void> {
    if (blocked) return;
    const text = o.text();
    o.progress('Saving…');
    try {
      const saved = await api('PUT', '/draft/files', savedSchema, { revision, base: { [o.file]: base }, files: { [o.file]: text } });
      base = text;
      revision = saved.revision;
      o.progress('');
      o.saved(saved);
    } catch (err) {
      o.progress('');
      const detail = conflictDetail.safeParse(err instanceof ApiError ? err.detail : undefined);
      if (err instanceof ApiError && err.code === 'draft_conflict' && detail.success && detail.data.paths.includes(o.file)) {
        blocked = true;
        o.conflict({ theirs: detail.data.theirs[o.file] ?? null, who: detail.data.updatedBy ?? 'someone else' });
        return;
      }
      o.failed(err instanceof Error ? err.message : 'the studio did not answer');
    }
  }

  const queue = (): Promise<void> => (chain = chain.then(save));

  return {
    changed() {
      if (blocked) return;
      clearTimeout(timer);
      o.progress('Unsaved changes…');
      timer = setTimeout(() => void queue(), SAVE_AFTER_MS);
    },
    flush() {
      clearTimeout(timer);
      return queue();
    },
    rebase(theirs) {
      base = theirs;
      blocked = false;
    },
    get blocked() {
      return blocked;
    },
  };
}
