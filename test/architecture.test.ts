/**
 * ARCHITECTURE.md says which room of src/ may import which; this keeps the page and the code
 * in step: an import the page does not allow fails here, with the file and the import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = 'src';

/** `channels/web/x.ts` → `channels/web`; `engine/x.ts` → `engine`; `app.ts` → `app`. */
function roomOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  if (parts.length === 1) return parts[0]!.replace(/\.ts$/, '');
  return parts[0] === 'channels' ? `channels/${parts[1]}` : parts[0]!;
}

function rules(): Map<string, string[]> {
  const text = readFileSync('ARCHITECTURE.md', 'utf8');
  const block = /```rooms\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error('ARCHITECTURE.md has no ```rooms block');
  return new Map(
    block
      .trim()
      .split('\n')
      .map((line) => {
        const [room, allowed = ''] = line.split(':');
        return [room!.trim(), allowed.split(',').map((s) => s.trim()).filter(Boolean)];
      }),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('ARCHITECTURE.md matches the imports', () => {
  it('every room of src/ is listed, and every import between rooms is allowed', () => {
    const allowedBy = rules();
    const problems: string[] = [];
    for (const file of sources(SRC)) {
      const room = roomOf(file);
      const allowed = allowedBy.get(room);
      if (!allowed) {
        problems.push(`${file}: room "${room}" is not in ARCHITECTURE.md`);
        continue;
      }
      if (allowed.includes('*')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = path.normalize(path.join(path.dirname(file), m[1]!));
        const to = roomOf(target);
        const rel = path.relative(SRC, target).split(path.sep).join('/');
        if (to !== room && !allowed.includes(to) && !allowed.includes(rel)) problems.push(`${file}: imports ${rel} (room ${to})`);
      }
    }
    expect(problems).toEqual([]);
  });
});
