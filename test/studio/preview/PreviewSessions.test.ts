import { describe, expect, it } from 'vitest';
import type { PreviewSession } from '../../../src/studio/preview/PreviewSession.ts';
import { PREVIEW_IDLE_MS, PreviewSessions } from '../../../src/studio/preview/PreviewSessions.ts';

// Only the id and the last use matter to the store.
const session = (id: string) => ({ id, lastUsed: 0 }) as unknown as PreviewSession;

describe('PreviewSessions', () => {
  it('keeps a few previews per person, dropping the least recently used, and nobody sees another person’s', () => {
    let now = 1_000;
    const s = new PreviewSessions({ perStaff: 3, now: () => now });
    for (const id of ['a', 'b', 'c']) {
      s.add('ann', session(id));
      now += 10;
    }
    expect(s.get('ann', 'a')?.id).toBe('a'); // used again: b is now the oldest
    now += 10;
    s.add('ann', session('d'));
    expect(['a', 'b', 'c', 'd'].filter((id) => s.get('ann', id))).toEqual(['a', 'c', 'd']);
    expect(s.get('bob', 'a')).toBeUndefined();
    expect(s.delete('bob', 'a')).toBe(false);
    expect(s.delete('ann', 'a')).toBe(true);
    expect(s.count('ann')).toBe(2);
  });

  it('drops a preview after 30 minutes without use', () => {
    let now = 0;
    const s = new PreviewSessions({ now: () => now });
    s.add('ann', session('a'));
    now += PREVIEW_IDLE_MS - 1;
    expect(s.get('ann', 'a')).toBeDefined();
    now += PREVIEW_IDLE_MS + 1;
    expect(s.get('ann', 'a')).toBeUndefined();
    expect(s.count('ann')).toBe(0);
  });
});
