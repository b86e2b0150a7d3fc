/**
 * The one reader of `process.env`. Every setting is declared once here, with its
 * schema, default and description; README's configuration table is checked
 * against this list by a test.
 */
import { z } from 'zod';
import { slackSettings } from './channels/slack/slackSettings.ts';
import { handoffSettings } from './domain/handoffs/handoffSettings.ts';
import { parseLiveLanguages, type LiveLanguagesSetting } from './languages/live.ts';

export interface Setting<S extends z.ZodType = z.ZodType> {
  schema: S;
  description: string;
  /** Never printed: error lines say `[redacted]` instead of the value. */
  secret?: boolean;
  /** What a bad value is told it should be (default: zod's message). */
  expected?: string;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);
const PORT_EXPECTED = 'a port number from 0 to 65535 (0 picks a free port)';
const INT_EXPECTED = 'a whole number above 0';
const positiveInt = z.coerce.number().int().positive();
const url = z.url();
const secret = (min: number) => z.string().min(min, `at least ${min} characters`);

function setting<S extends z.ZodType>(s: Setting<S>): Setting<S> {
  return s;
}

export const settings = {
  NODE_ENV: setting({
    schema: z.enum(['development', 'test', 'production']).default('development'),
    description: 'development reloads flow files when they change; production requires credentials and strong secrets',
  }),
  HOST: setting({
    schema: z.string().min(1).optional(),
    description: 'Address the HTTP server binds to (default 127.0.0.1, this machine only; 0.0.0.0 when NODE_ENV is production)',
  }),
  PORT: setting({ schema: port.default(3978), expected: PORT_EXPECTED, description: 'HTTP port for the widget, Direct Line, Bot Framework, Slack and health routes' }),
  LOG_LEVEL: setting({
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'pino log level; message text and personal data are never logged, at any level (debug included)',
  }),
  DATABASE_URL: setting({
    schema: url.optional(),
    expected: 'a URL such as postgres://user@host:5432/db',
    description: 'PostgreSQL connection string; when unset the embedded PGlite database in DATA_DIR is used',
    secret: true,
  }),
  DATA_DIR: setting({ schema: z.string().min(1).default('./data'), description: 'Folder of the embedded PGlite database' }),
  DB_POOL_MAX: setting({ schema: positiveInt.max(200).default(20), expected: 'a whole number from 1 to 200', description: 'Maximum PostgreSQL connections per process' }),
  FLOWS_DIR: setting({ schema: z.string().min(1).default('./flows'), description: 'Folder of coordinator-edited flow files' }),
  LOCALES_DIR: setting({ schema: z.string().min(1).default('./locales'), description: 'Folder of i18next resources, one folder per language' }),
  FLOWS_WATCH: setting({ schema: bool.optional(), expected: 'true or false', description: 'Reload changed flow files (default: on in development, off otherwise)' }),
  DEFAULT_LOCALE: setting({ schema: z.string().min(2).default('en'), description: 'Language used until the resident picks one' }),
  LANGUAGES_LIVE: setting({
    schema: z
      .string()
      .transform((v, ctx): LiveLanguagesSetting => {
        const r = parseLiveLanguages(v);
        if (r.ok) return r.value;
        ctx.addIssue({ code: 'custom', message: r.message });
        return z.NEVER;
      })
      .optional(),
    description:
      'Languages residents are offered, detected in and can switch to: all, reviewed (every string reviewed by a fluent speaker, per locales/<code>/_status.json), or codes such as en,ur,pl; English always. Default all, reviewed when NODE_ENV is production. A conversation already in a language taken off carries on in it',
  }),
  ADMIN_TOKEN: setting({
    schema: secret(16).optional(),
    description: 'Bearer token for operator routes (POST /admin/flows/reload); it does not open partner data, which takes partner credentials. Operator routes are refused while unset; production needs 32+ random characters',
    secret: true,
  }),
  BODY_LIMIT: setting({ schema: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 64kb').default('64kb'), description: 'Largest accepted request body' }),
  SHUTDOWN_TIMEOUT_MS: setting({ expected: INT_EXPECTED, schema: positiveInt.default(10000), description: 'How long shutdown waits for in-flight work' }),
  ACTION_TIMEOUT_MS: setting({ expected: INT_EXPECTED, schema: positiveInt.default(5000), description: 'Time limit for one domain action inside a turn' }),
  INACTIVITY_MINUTES: setting({ expected: INT_EXPECTED, schema: positiveInt.default(60), description: 'Idle time after which a conversation resumes with "welcome back"' }),
  POSTCODES_IO_TIMEOUT_MS: setting({ expected: INT_EXPECTED, schema: positiveInt.max(30000).default(3000), description: 'Time limit for one postcodes.io lookup; after it the postcode-district fallback is used' }),
  SEAT_OFFER_TTL_MINUTES: setting({ expected: INT_EXPECTED, schema: positiveInt.default(1440), description: 'How long a freed course seat is held for the first person on the waiting list' }),
  COURSE_REMINDER_OFFSETS_MINUTES: setting({
    expected: 'a comma-separated list of whole minutes, such as 2880,120',
    schema: z
      .string()
      .regex(/^\d+(,\d+)*$/)
      .default('2880,120')
      .transform((v) => v.split(',').map(Number)),
    description: 'When course reminders go out, in minutes before the start (default two days and two hours)',
  }),
  JOB_POLL_MS: setting({ expected: INT_EXPECTED, schema: positiveInt.default(1000), description: 'How often an idle job runner looks for due jobs (reminders, escalations)' }),
  JOB_LEASE_MS: setting({ expected: INT_EXPECTED, schema: positiveInt.default(300000), description: 'How long a claimed job stays with one worker before another may take it' }),
  JOB_BACKOFF_BASE_MS: setting({ expected: INT_EXPECTED, schema: positiveInt.default(30000), description: 'First retry delay of a failed job (then doubling, capped at 6 hours)' }),
  RETENTION_DAYS: setting({ expected: INT_EXPECTED, schema: positiveInt.max(3650).default(365), description: 'Conversations idle this many days are deleted with all their data (answers, transcript, bookings, applications)' }),
  PUBLIC_URL: setting({
    schema: url.optional(),
    expected: 'a URL such as https://chat.example.org',
    description: 'Address residents reach this server at, for links the assistant sends (default: http://localhost:<PORT>; required in production)',
  }),
  TRUST_PROXY: setting({
    schema: z
      .string()
      .regex(/^(loopback|false|\d{1,2}|[0-9a-fA-F:./]+(\s*,\s*[0-9a-fA-F:./]+)*)$/)
      .default('loopback')
      .transform((v): boolean | number | string => (v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
    expected: 'loopback, false, a number of proxy hops, or comma-separated proxy addresses or CIDRs',
    description: 'Which proxies in front of Anchorline may say who the client is (X-Forwarded-For), for per-address limits: loopback (default), a hop count, addresses/CIDRs, or false',
  }),
  EXPORT_LINK_MINUTES: setting({
    expected: 'a whole number from 1 to 10080',
    schema: positiveInt.max(10080).default(60),
    description: 'How long a "send me my data" link works (it works once)',
  }),
  STUDIO_SESSION_HOURS: setting({
    expected: 'a whole number from 1 to 168',
    schema: positiveInt.max(168).default(8),
    description: 'How long a studio sign-in lasts without activity before staff must sign in again',
  }),
  STUDIO_INVITE_HOURS: setting({
    expected: 'a whole number from 1 to 720',
    schema: positiveInt.max(720).default(72),
    description: 'How long a studio invitation or sign-in link works (it works once)',
  }),
  STUDIO_SMTP_URL: setting({
    schema: url.optional(),
    expected: 'a URL such as smtps://user:pass@smtp.example.org:465',
    description: 'When set, studio invitation links are also emailed through this SMTP server; otherwise the CLI prints them',
    secret: true,
  }),
  STUDIO_MAIL_FROM: setting({
    schema: z.email().optional(),
    expected: 'an email address',
    description: 'Sender address of studio invitation emails (needed with STUDIO_SMTP_URL)',
  }),
  CHROMIUM_PATH: setting({
    schema: z.string().regex(/^\/[^\0]*$/, 'an absolute path').default('/usr/bin/chromium'),
    expected: 'the absolute path of a Chromium binary, such as /usr/bin/chromium',
    description: 'Chromium that renders the monthly outcomes report as PDF (apt-get install chromium); without it the PDF answers 503 and the HTML report still works',
  }),
  START_FLOW: setting({ schema: z.string().regex(/^[a-z][a-z0-9_]*$/).default('main'), expected: 'a flow id such as main', description: 'The flow a new conversation starts' }),
  POSTCODES_IO_URL: setting({ schema: url.default('https://api.postcodes.io'), expected: 'a URL', description: 'postcodes.io base URL' }),
  DIRECTLINE_SECRET: setting({
    schema: secret(16).optional(),
    description: 'When set, /v3/directline/tokens/generate requires it as a Bearer token (production: 32+ random characters)',
    secret: true,
  }),
  TOKEN_SIGNING_KEY: setting({
    schema: secret(32).optional(),
    description: 'Key that signs Direct Line tokens; required in production (32+ random characters); elsewhere a random key per process when unset',
    secret: true,
  }),
  WIDGET_ORIGINS: setting({
    schema: z.string().default('http://localhost:3978'),
    description: 'Comma-separated origins allowed to call Direct Line from a browser',
  }),
  CONVERSATION_MESSAGES_PER_MINUTE: setting({
    expected: INT_EXPECTED,
    schema: positiveInt.default(60),
    description: 'Messages one conversation may send per minute on average (Direct Line and /api/messages); more are answered 429 with Retry-After',
  }),
  CONVERSATION_MESSAGE_BURST: setting({ expected: INT_EXPECTED, schema: positiveInt.default(20), description: 'Messages one conversation may send at once before CONVERSATION_MESSAGES_PER_MINUTE applies' }),
  ADDRESS_MESSAGES_PER_MINUTE: setting({
    expected: INT_EXPECTED,
    schema: positiveInt.default(600),
    description: 'Direct Line messages one client address may send per minute, all its conversations together (high: a library or college shares one address; addresses of this machine are not counted)',
  }),
  ADDRESS_MESSAGE_BURST: setting({ expected: INT_EXPECTED, schema: positiveInt.default(200), description: 'Direct Line messages one client address may send at once' }),
  STREAMS_PER_CONVERSATION: setting({ expected: INT_EXPECTED, schema: positiveInt.max(100).default(4), description: 'Open Direct Line WebSocket streams per conversation and process; one more is closed with 1008' }),
  STREAM_BUFFER_KB: setting({
    expected: INT_EXPECTED,
    schema: positiveInt.max(65536).default(256),
    description: 'Unsent kilobytes one Direct Line WebSocket may hold; a client that reads slower is closed with 1013 and reconnects',
  }),
  BOTFRAMEWORK_SERVICE_URLS: setting({
    expected: 'comma-separated host names or *.domain patterns, such as *.botframework.com,smba.trafficmanager.net',
    schema: z
      .string()
      .regex(/^(?:(?:\*\.)?[A-Za-z0-9.-]+|\[::1\])(?:\s*,\s*(?:(?:\*\.)?[A-Za-z0-9.-]+|\[::1\]))*$/)
      .optional(),
    description: 'Hosts /api/messages may send replies to; an activity naming another serviceUrl is refused (default: *.botframework.com,smba.trafficmanager.net in production, localhost otherwise)',
  }),
  PARTNER_NAME: setting({ schema: z.string().min(1).default('Birmingham & Solihull Anchor Network'), description: 'Partner name on the demo page' }),
  PARTNER_COLOUR: setting({
    schema: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #005eb8').default('#005eb8'),
    description: 'Partner brand colour on the demo page and widget',
  }),
  MicrosoftAppId: setting({ schema: z.string().optional(), description: 'Bot Framework app id (required in production for /api/messages)' }),
  MicrosoftAppPassword: setting({ schema: z.string().optional(), description: 'Bot Framework app password', secret: true }),
  MicrosoftAppTenantId: setting({ schema: z.string().optional(), description: 'Bot Framework tenant id (SingleTenant apps)' }),
  MicrosoftAppType: setting({
    schema: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    description: 'Bot Framework app type',
  }),
  SLACK_BOT_TOKEN: setting({ schema: z.string().regex(/^xoxb-/, 'a bot token starting xoxb-').optional(), description: 'Slack bot token; Slack is off while unset', secret: true }),
  SLACK_SIGNING_SECRET: setting({ schema: z.string().min(8).optional(), description: 'Slack signing secret', secret: true }),
  SLACK_APP_TOKEN: setting({ schema: z.string().regex(/^xapp-/, 'an app token starting xapp-').optional(), description: 'Use Socket Mode with this app-level token', secret: true }),
  SLACK_HANDOFF_CHANNEL: setting({ schema: z.string().optional(), description: 'Channel id where handoff cards are posted' }),
  ...handoffSettings,
  ...slackSettings,
  SLACK_API_URL: setting({ schema: url.optional(), expected: 'a URL', description: 'Slack Web API base URL (tests point it at a stand-in)' }),
} as const;

type Settings = typeof settings;
/** HOST is always set after loading: its default depends on NODE_ENV. */
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> } & { HOST: string };

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
  }
}

function describe(value: string | undefined, isSecret: boolean | undefined): string {
  if (value === undefined) return 'nothing';
  if (isSecret) return '[redacted]';
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/** The secrets whose strength start-up checks (ADMIN_TOKEN, TOKEN_SIGNING_KEY, DIRECTLINE_SECRET). */
export const CHECKED_SECRETS = ['ADMIN_TOKEN', 'TOKEN_SIGNING_KEY', 'DIRECTLINE_SECRET'] as const;
type CheckedSecret = (typeof CHECKED_SECRETS)[number];

/** Shortest secret production accepts. */
export const PRODUCTION_SECRET_MIN = 32;
const SECRET_HINT = `a random value of at least ${PRODUCTION_SECRET_MIN} characters (openssl rand -base64 32)`;

/**
 * Words of placeholders and defaults: what docs, examples and tutorials print (change-me,
 * secret, password, admin, your-token-here…). A value made only of them (and digits and
 * punctuation) is refused everywhere; in production a secret containing one is refused too.
 */
const PLACEHOLDER_WORDS = [
  'changeme', 'change', 'replace', 'placeholder', 'example', 'default', 'dummy', 'sample', 'insert',
  'secret', 'password', 'passwd', 'letmein', 'qwerty', 'admin', 'token', 'signing', 'anchorline',
  'directline', 'test', 'your', 'here', 'key', 'my', 'the', 'dev', 'prod', 'production', 'xxx',
];
/** Words refused inside a production secret (long enough not to turn up in a random one by chance). */
const PRODUCTION_FORBIDDEN_WORDS = ['changeme', 'change-me', 'replace', 'placeholder', 'example', 'default', 'dummy', 'secret', 'password', 'passwd', 'letmein', 'qwerty', 'admin', 'anchorline'];

function isPlaceholder(value: string): boolean {
  let rest = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const w of PLACEHOLDER_WORDS) rest = rest.replaceAll(w, '');
  return /^[0-9]*$/.test(rest);
}

/** One character or one short unit over and over ("aaaa…", "abcabc…", "12341234…"). */
function isRepetition(value: string): boolean {
  for (let unit = 1; unit <= value.length / 2; unit++) {
    if (value.length % unit === 0 && value.slice(0, unit).repeat(value.length / unit) === value) return true;
  }
  return false;
}

/** Bits of the value by its own character frequencies (Shannon); a rough floor against "aaaaaaab…", keyboard walks and the like. */
function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / value.length) * Math.log2(n / value.length);
  return perChar * value.length;
}

/** Mostly (over 70%) runs such as "abcdef", "123456", "zyxw" or "aaaa": neighbours one apart or equal. */
function isMostlySequential(value: string): boolean {
  let steps = 0;
  for (let i = 1; i < value.length; i++) if (Math.abs(value.charCodeAt(i) - value.charCodeAt(i - 1)) <= 1) steps++;
  return steps > 0.7 * (value.length - 1);
}

/** Why a secret is too weak, or undefined. Production also asks for length, entropy and no placeholder words. */
export function secretWeakness(value: string, production: boolean): string | undefined {
  if (isPlaceholder(value)) return 'a placeholder or default value';
  if (isRepetition(value)) return 'repeated characters';
  if (!production) return undefined;
  if (value.length < PRODUCTION_SECRET_MIN) return `only ${value.length} characters`;
  const lower = value.toLowerCase();
  const word = PRODUCTION_FORBIDDEN_WORDS.find((w) => lower.includes(w));
  if (word) return `a value containing "${word}", as placeholders do`;
  if (isMostlySequential(value)) return 'a run of sequential characters';
  if (estimatedBits(value) < 80 || new Set(value).size < 8) return 'a low-entropy value';
  return undefined;
}

/** Parses the environment; throws ConfigError listing one line per bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  const bad = new Set<string>();
  for (const [name, s] of Object.entries(settings) as [string, Setting][]) {
    const raw = env[name];
    const value = raw === '' ? undefined : raw;
    const result = s.schema.safeParse(value);
    if (result.success) {
      out[name] = result.data;
    } else {
      bad.add(name);
      const expected = s.expected ?? result.error.issues.map((i) => i.message).join('; ');
      problems.push(`${name}: expected ${expected}, found ${describe(value, s.secret)}`);
    }
  }
  const cfg = out as Config;
  const production = cfg.NODE_ENV === 'production';
  if (problems.length === 0) {
    // Development listens on this machine only: an unauthenticated /api/messages and the demo
    // must not be reachable from the network unless someone decides so.
    cfg.HOST ??= production ? '0.0.0.0' : '127.0.0.1';
    if (production && !cfg.MicrosoftAppId) {
      problems.push('MicrosoftAppId: expected a Bot Framework app id in production, found nothing');
    }
    if (cfg.MicrosoftAppId && !cfg.MicrosoftAppPassword && cfg.MicrosoftAppType !== 'UserAssignedMSI') {
      problems.push('MicrosoftAppPassword: expected a password when MicrosoftAppId is set, found nothing');
    }
    if (cfg.SLACK_BOT_TOKEN && !cfg.SLACK_SIGNING_SECRET && !cfg.SLACK_APP_TOKEN) {
      problems.push('SLACK_SIGNING_SECRET: expected a signing secret when SLACK_BOT_TOKEN is set, found nothing');
    }
  }
  // Secrets: a default or placeholder never starts; production also needs a signing key and strong values.
  if (!bad.has('NODE_ENV')) {
    if (production && !bad.has('TOKEN_SIGNING_KEY') && !cfg.TOKEN_SIGNING_KEY) {
      problems.push(`TOKEN_SIGNING_KEY: expected ${SECRET_HINT} in production, found nothing`);
    }
    if (production && cfg.STUDIO_SMTP_URL && !cfg.STUDIO_MAIL_FROM) {
      problems.push('STUDIO_MAIL_FROM: expected the sender address of studio invitation emails when STUDIO_SMTP_URL is set, found nothing');
    }
    if (production && !cfg.PUBLIC_URL) {
      problems.push('PUBLIC_URL: expected the https address residents reach this server at in production (the links to their data use it), found nothing');
    }
    const seen = new Map<string, CheckedSecret>();
    for (const name of CHECKED_SECRETS) {
      const value = cfg[name];
      if (bad.has(name) || value === undefined) continue;
      const weakness = secretWeakness(value, production);
      const twin = seen.get(value);
      if (weakness) problems.push(`${name}: expected ${production ? SECRET_HINT : 'a random value'}, found [redacted]: ${weakness}`);
      else if (twin && production) problems.push(`${name}: expected a value of its own, found [redacted]: the same as ${twin}`);
      seen.set(value, name);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}

export function widgetOrigins(cfg: Config): string[] {
  return cfg.WIDGET_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Where residents reach this server: PUBLIC_URL, or this machine's port. */
export function publicUrl(cfg: Config): string {
  return cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`;
}

/** BOTFRAMEWORK_SERVICE_URLS split, or undefined for the default of NODE_ENV. */
export function serviceUrlHosts(cfg: Config): string[] | undefined {
  return cfg.BOTFRAMEWORK_SERVICE_URLS?.split(',').map((s) => s.trim()).filter(Boolean);
}

/** LANGUAGES_LIVE, or its default for NODE_ENV: `reviewed` in production, `all` otherwise. */
export function languagesLive(cfg: Pick<Config, 'LANGUAGES_LIVE' | 'NODE_ENV'>): LiveLanguagesSetting {
  return cfg.LANGUAGES_LIVE ?? (cfg.NODE_ENV === 'production' ? 'reviewed' : 'all');
}

export function flowsWatch(cfg: Config): boolean {
  return cfg.FLOWS_WATCH ?? cfg.NODE_ENV === 'development';
}
