import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A copy of the shipped flows/ and locales/ folders in a temporary directory. */
export async function copyFolders(): Promise<{ dir: string; flowsDir: string; localesDir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'anchorline-translations-'));
  await cp('flows', path.join(dir, 'flows'), { recursive: true });
  await cp('locales', path.join(dir, 'locales'), { recursive: true });
  return { dir, flowsDir: path.join(dir, 'flows'), localesDir: path.join(dir, 'locales'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under a folder with its bytes (as base64), by relative path. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    out[path.relative(dir, p)] = (await readFile(p)).toString('base64');
  }
  return out;
}

/** The languages with a folder in the shipped locales/, English left out. */
export async function translatedLanguages(): Promise<string[]> {
  return (await readdir('locales', { withFileTypes: true })).filter((d) => d.isDirectory() && d.name !== 'en').map((d) => d.name).sort();
}
