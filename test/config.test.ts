import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settings } from '../src/config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('configuration', () => {
  it('starts with nothing set, on the embedded database', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3978);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DATA_DIR).toBe('./data');
  });

  it('parses good values', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://root@127.0.0.1:5432/root', FLOWS_WATCH: 'false', WIDGET_ORIGINS: 'https://a.example' });
    expect(c.PORT).toBe(8080);
    expect(c.DATABASE_URL).toBe('postgres://root@127.0.0.1:5432/root');
    expect(c.FLOWS_WATCH).toBe(false);
  });

  it('gives one clear line per bad variable: name, what was expected, what was found', () => {
    const p = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', FLOWS_WATCH: 'maybe' });
    expect(p).toEqual([
      'PORT: expected a port number from 0 to 65535 (0 picks a free port), found "abc"',
      expect.stringMatching(/^LOG_LEVEL: expected .*found "loud"$/),
      'FLOWS_WATCH: expected true or false, found "maybe"',
    ]);
  });

  it('never prints a secret', () => {
    const p = problemsOf({ ADMIN_TOKEN: 'tiny-secret', DATABASE_URL: 'not a url with password hunter2' });
    expect(p.join('\n')).not.toContain('tiny-secret');
    expect(p.join('\n')).not.toContain('hunter2');
    expect(p).toContain('ADMIN_TOKEN: expected at least 16 characters, found [redacted]');
  });

  it('refuses production without Bot Framework credentials', () => {
    expect(problemsOf({ NODE_ENV: 'production' })[0]).toMatch(/^MicrosoftAppId: expected/);
  });

  it('README lists every setting, and nothing else', () => {
    const readme = readFileSync('README.md', 'utf8');
    const listed = [...readme.matchAll(/^\| `([A-Za-z_]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(settings).sort());
  });
});
