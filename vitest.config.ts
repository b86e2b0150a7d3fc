import { defineConfig } from 'vitest/config';

/**
 * Tests that measure latency or memory against a bound run alone, after everything else: the
 * other files' load on this machine's two cores would otherwise be measured with them.
 */
const MEASURED = ['test/channels/web/flood.test.ts', 'test/channels/web/slowStreams.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers only queue.
    maxWorkers: 2,
    env: { LOG_LEVEL: 'silent' },
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: MEASURED } },
      ...MEASURED.map((file, i) => ({ extends: true as const, test: { name: file.split('/').pop()!.replace('.test.ts', ''), include: [file], sequence: { groupOrder: i + 1 } } })),
    ],
  },
});
