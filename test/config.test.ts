import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, languagesLive, loadConfig, serviceUrlHosts, settings } from '../src/config.ts';

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

  describe('secrets: production refuses to start with a missing, default, short or guessable one', () => {
    // What `openssl rand -base64 32` prints: the value README tells operators to use.
    const strong = (seed: string) => `${seed}Qm9vdHN0cmFwL2tleS9mb3IvYW5jaG9y${seed}x7Z`;
    const prod = (env: Record<string, string> = {}) =>
      problemsOf({ NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', TOKEN_SIGNING_KEY: strong('k1'), PUBLIC_URL: 'https://chat.example.org', ...env });

    it('starts in production with strong, distinct secrets', () => {
      expect(prod({ ADMIN_TOKEN: strong('a1'), DIRECTLINE_SECRET: strong('d1') })).toEqual([]);
      // Hex keys (openssl rand -hex 32) and UUIDs without dashes pass too.
      expect(prod({ TOKEN_SIGNING_KEY: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })).toEqual([]);
    });

    it('refuses production without TOKEN_SIGNING_KEY, in one line naming it', () => {
      const p = problemsOf({ NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', PUBLIC_URL: 'https://chat.example.org' });
      expect(p).toEqual(['TOKEN_SIGNING_KEY: expected a random value of at least 32 characters (openssl rand -base64 32) in production, found nothing']);
    });

    it('refuses a secret shorter than 32 characters in production (ADMIN_TOKEN, DIRECTLINE_SECRET), never printing it', () => {
      const p = prod({ ADMIN_TOKEN: 'Xq7v9TzL2mPw4sRb8nYc', DIRECTLINE_SECRET: 'Hk3jW8pQz1Lm5Nv7Rt2Y' });
      expect(p).toEqual([
        'ADMIN_TOKEN: expected a random value of at least 32 characters (openssl rand -base64 32), found [redacted]: only 20 characters',
        'DIRECTLINE_SECRET: expected a random value of at least 32 characters (openssl rand -base64 32), found [redacted]: only 20 characters',
      ]);
      expect(p.join('\n')).not.toContain('Xq7v9TzL2mPw4sRb8nYc');
    });

    it.each([
      ['change-me, repeated to length', 'change-me-change-me-change-me-2025', 'a placeholder or default value'],
      ['changeme with digits', 'changemechangemechangeme12345678', 'a placeholder or default value'],
      ['your-secret-here', 'your-secret-here-your-secret-here', 'a placeholder or default value'],
      ['admin password', 'admin-password-admin-password-123', 'a placeholder or default value'],
      ['a placeholder word inside', 'Zr8secretQ2mV7xLp4KtN9wB3yH6cJ1fD', 'a value containing "secret", as placeholders do'],
      ['one character repeated', 'x'.repeat(40), 'repeated characters'],
      ['a short unit repeated', 'ab12'.repeat(10), 'repeated characters'],
      ['a run of the alphabet', 'abcdefghijklmnopqrstuvwxyz0123456789', 'a run of sequential characters'],
      ['two characters', 'acacacaacaccacaacacaacacccacaaca', 'a low-entropy value'],
      ['a keyboard walk', 'qwertyuiopasdfghjklzxcvbnm1234567', 'a value containing "qwerty", as placeholders do'],
    ])('refuses %s as TOKEN_SIGNING_KEY in production', (_name, value, why) => {
      expect(prod({ TOKEN_SIGNING_KEY: value })).toEqual([
        `TOKEN_SIGNING_KEY: expected a random value of at least 32 characters (openssl rand -base64 32), found [redacted]: ${why}`,
      ]);
    });

    it('refuses one value used for two secrets in production', () => {
      expect(prod({ ADMIN_TOKEN: strong('k1') })).toEqual(['TOKEN_SIGNING_KEY: expected a value of its own, found [redacted]: the same as ADMIN_TOKEN']);
    });

    it('in development a missing TOKEN_SIGNING_KEY is fine (random per process), a short or default one is not', () => {
      expect(problemsOf({})).toEqual([]);
      expect(problemsOf({ TOKEN_SIGNING_KEY: 'too-short-key' })).toEqual(['TOKEN_SIGNING_KEY: expected at least 32 characters, found [redacted]']);
      expect(problemsOf({ TOKEN_SIGNING_KEY: 'change-me-change-me-change-me-change-me' })).toEqual([
        'TOKEN_SIGNING_KEY: expected a random value, found [redacted]: a placeholder or default value',
      ]);
      expect(problemsOf({ NODE_ENV: 'test', ADMIN_TOKEN: 'test-admin-token' })).toEqual(['ADMIN_TOKEN: expected a random value, found [redacted]: a placeholder or default value']);
      expect(problemsOf({ DIRECTLINE_SECRET: 'z'.repeat(20) })).toEqual(['DIRECTLINE_SECRET: expected a random value, found [redacted]: repeated characters']);
      // Development keeps the 16-character floor for these two; a made-up value of its own is fine.
      expect(problemsOf({ ADMIN_TOKEN: 'a-long-enough-admin-token' })).toEqual([]);
    });
  });

  it('listens on this machine only unless in production or told otherwise', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).HOST).toBe('127.0.0.1');
    const key = 'k9Qm9vdHN0cmFwL2tleS9mb3IvYW5jaG9yx7Z';
    expect(loadConfig({ NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppPassword: 'password', TOKEN_SIGNING_KEY: key, PUBLIC_URL: 'https://chat.example.org' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ NODE_ENV: 'production', HOST: '10.0.0.4', MicrosoftAppId: 'app', MicrosoftAppPassword: 'password', TOKEN_SIGNING_KEY: key, PUBLIC_URL: 'https://chat.example.org' }).HOST).toBe('10.0.0.4');
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

  it('production needs the address residents reach it at (links to their data use it); proxies trusted are a setting', () => {
    const p = problemsOf({ NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', TOKEN_SIGNING_KEY: 'k9Qm9vdHN0cmFwL2tleS9mb3IvYW5jaG9yx7Z' });
    expect(p).toEqual(['PUBLIC_URL: expected the https address residents reach this server at in production (the links to their data use it), found nothing']);
    expect(loadConfig({}).TRUST_PROXY).toBe('loopback');
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.4' }).TRUST_PROXY).toBe('10.0.0.0/8, 192.168.1.4');
    expect(problemsOf({ TRUST_PROXY: 'everyone' })).toEqual(['TRUST_PROXY: expected loopback, false, a number of proxy hops, or comma-separated proxy addresses or CIDRs, found "everyone"']);
  });

  it('LANGUAGES_LIVE: all in development, reviewed in production, or a list with English always; an unknown code is named', () => {
    expect(languagesLive(loadConfig({}))).toBe('all');
    expect(languagesLive({ NODE_ENV: 'production', LANGUAGES_LIVE: undefined })).toBe('reviewed');
    expect(languagesLive(loadConfig({ LANGUAGES_LIVE: 'reviewed' }))).toBe('reviewed');
    expect(languagesLive(loadConfig({ LANGUAGES_LIVE: 'ur, PL' }))).toEqual(['en', 'ur', 'pl']);
    expect(problemsOf({ LANGUAGES_LIVE: 'ur,fr,xx' })).toEqual([
      'LANGUAGES_LIVE: expected all, reviewed, or a comma-separated list of language codes from en, ur, pa, bn, ar, ro, pl, so (unknown: fr, xx), found "ur,fr,xx"',
    ]);
    expect(problemsOf({ LANGUAGES_LIVE: ',' })).toEqual(['LANGUAGES_LIVE: expected all, reviewed, or a comma-separated list of language codes from en, ur, pa, bn, ar, ro, pl, so, found ","']);
  });

  it('README lists every setting, and nothing else', () => {
    const readme = readFileSync('README.md', 'utf8');
    const listed = [...readme.matchAll(/^\| `([A-Za-z_]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(settings).sort());
  });
});
