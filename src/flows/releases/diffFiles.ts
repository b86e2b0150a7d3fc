import { createTwoFilesPatch } from 'diff';
import { flatKeys } from '../../i18n.ts';
import { parseFlowFile } from '../parseFlowFile.ts';
import type { FlowFiles } from '../flowFiles.ts';
import type { FilesDiff } from './releaseTypes.ts';

type FileDiff = FilesDiff['files'][number];

/** Parsed steps of a flow file, as comparable text, by step id (empty when it does not parse). */
function stepsOf(path: string, text: string | undefined): { flowId: string; steps: Map<string, string> } {
  const parsed = text === undefined ? undefined : parseFlowFile(path, text).flow;
  const fallbackId = /([^/]+)\.flow\.yaml$/.exec(path)?.[1] ?? path;
  return { flowId: parsed?.id ?? fallbackId, steps: new Map([...(parsed?.steps ?? [])].map(([id, s]) => [id, JSON.stringify(s)])) };
}

/** Every wording key of a locale file with its text (lists joined by " | "). */
function keysOf(text: string | undefined): Map<string, string> {
  if (text === undefined) return new Map();
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch {
    return new Map();
  }
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return new Map();
  const out = new Map<string, string>();
  const record = tree as Record<string, unknown>;
  for (const key of flatKeys(record)) {
    const v = key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), record);
    out.set(key, Array.isArray(v) ? v.map(String).join(' | ') : typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

function stepChanges(path: string, before: string | undefined, after: string | undefined): NonNullable<FileDiff['steps']> {
  const a = stepsOf(path, before);
  const b = stepsOf(path, after);
  const out: NonNullable<FileDiff['steps']> = [];
  for (const [id, s] of b.steps) {
    const old = a.steps.get(id);
    if (old === undefined) out.push({ flowId: b.flowId, step: id, change: 'added' });
    else if (old !== s) out.push({ flowId: b.flowId, step: id, change: 'changed' });
  }
  for (const id of a.steps.keys()) if (!b.steps.has(id)) out.push({ flowId: a.flowId, step: id, change: 'removed' });
  return out;
}

function keyChanges(path: string, before: string | undefined, after: string | undefined): NonNullable<FileDiff['keys']> {
  const lang = /^locales\/([^/]+)\//.exec(path)?.[1] ?? '';
  const a = keysOf(before);
  const b = keysOf(after);
  const out: NonNullable<FileDiff['keys']> = [];
  for (const [key, text] of b) {
    const old = a.get(key);
    if (old === undefined) out.push({ lang, key, change: 'added', after: text });
    else if (old !== text) out.push({ lang, key, change: 'changed', before: old, after: text });
  }
  for (const [key, text] of a) if (!b.has(key)) out.push({ lang, key, change: 'removed', before: text });
  return out;
}

/**
 * What changed between two file sets, for a coordinator: per file a unified patch, and for flow
 * files the steps added, removed or changed (the parsed steps compared, so moving or re-indenting
 * a step is no change), for locale files the wording keys with their text before and after.
 */
export function diffFiles(from: FlowFiles, to: FlowFiles): FilesDiff {
  const paths = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  const files: FileDiff[] = [];
  for (const path of paths) {
    const before = from[path];
    const after = to[path];
    if (before === after) continue;
    const status = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    const patch = createTwoFilesPatch(before === undefined ? '/dev/null' : `a/${path}`, after === undefined ? '/dev/null' : `b/${path}`, before ?? '', after ?? '');
    const file: FileDiff = { path, status, patch };
    if (/^flows\/[^/]+\.flow\.yaml$/.test(path)) file.steps = stepChanges(path, before, after);
    if (/^locales\/[^/]+\/[^/]+\.json$/.test(path)) file.keys = keyChanges(path, before, after);
    files.push(file);
  }
  return { files };
}
