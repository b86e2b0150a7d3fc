import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, serviceUrlHosts, settings } from '../src/config.ts';

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

  it('listens on this machine only unless in production or told otherwise', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppPassword: 'password' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production', HOST: '10.0.0.4', MicrosoftAppId: 'app', MicrosoftAppPassword: 'password' }).HOST).toBe('10.0.0.4');
  });

  it('has message and stream limits for a real resident, and checks the serviceUrl hosts', () => {
    const c = loadConfig({});
    expect([c.CONVERSATION_MESSAGE_BURST, c.CONVERSATION_MESSAGES_PER_MINUTE, c.ADDRESS_MESSAGE_BURST, c.ADDRESS_MESSAGES_PER_MINUTE]).toEqual([20, 60, 200, 600]);
    expect([c.STREAMS_PER_CONVERSATION, c.STREAM_BUFFER_KB]).toEqual([4, 256]);
    expect(serviceUrlHosts(c)).toBeUndefined();
    expect(serviceUrlHosts(loadConfig({ BOTFRAMEWORK_SERVICE_URLS: '*.botframework.com, smba.trafficmanager.net' }))).toEqual(['*.botframework.com', 'smba.trafficmanager.net']);
    expect(problemsOf({ BOTFRAMEWORK_SERVICE_URLS: 'https://evil.example/path', CONVERSATION_MESSAGE_BURST: '0' })).toEqual([
      'CONVERSATION_MESSAGE_BURST: expected a whole number above 0, found "0"',
      'BOTFRAMEWORK_SERVICE_URLS: expected comma-separated host names or *.domain patterns, such as *.botframework.com,smba.trafficmanager.net, found "https://evil.example/path"',
    ]);
  });

  it('README lists every setting, and nothing else', () => {
    const readme = readFileSync('README.md', 'utf8');
    const listed = [...readme.matchAll(/^\| `([A-Za-z_]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(settings).sort());
  });
});
