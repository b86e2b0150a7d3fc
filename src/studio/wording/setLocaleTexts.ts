import type { Wording } from './localeTexts.ts';

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `obj` with `key` set to `value`: in place when it exists, else after its nearest earlier sibling in `order`. */
function put(obj: Tree, key: string, value: unknown, order: readonly string[]): Tree {
  if (Object.hasOwn(obj, key)) {
    obj[key] = value;
    return obj;
  }
  const at = order.indexOf(key);
  const before = new Set(at < 0 ? order : order.slice(0, at));
  const entries = Object.entries(obj);
  let i = entries.length;
  if (at >= 0) {
    // After the last key that comes before this one in the English file (or first when none does).
    const last = entries.map(([k]) => before.has(k)).lastIndexOf(true);
    i = last + 1;
  }
  entries.splice(i, 0, [key, value]);
  return Object.fromEntries(entries);
}

function setIn(tree: Tree, path: readonly string[], value: Wording, english: Tree | undefined): Tree {
  const [head, ...rest] = path;
  const order = english ? Object.keys(english) : [];
  if (rest.length === 0) return put(tree, head!, value, order);
  const child = tree[head!];
  const next = setIn(isTree(child) ? child : {}, rest, value, isTree(english?.[head!]) ? (english[head!] as Tree) : undefined);
  return put(tree, head!, next, order);
}

/**
 * A locale file's text with some keys set, everything else as it was: the file's key order,
 * 2-space JSON (as the shipped files are written) and its final newline. A new key goes where
 * the English file has it (after the key before it there). `tree` is the file's parsed object.
 */
export function setLocaleTexts(original: string, tree: Tree, changes: ReadonlyArray<{ key: string; value: Wording }>, english?: Tree): string {
  let out = tree;
  for (const c of changes) out = setIn(out, c.key.split('.'), c.value, english);
  return JSON.stringify(out, null, 2) + (original === '' || original.endsWith('\n') ? '\n' : '');
}
