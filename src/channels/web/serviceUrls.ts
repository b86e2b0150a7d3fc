/**
 * Where /api/messages may send replies (issue 12). A Bot Framework activity names the
 * `serviceUrl` its replies go to; without a check, anyone who can post an activity makes the bot
 * POST to any address it names. Patterns are host names, or `*.` and a domain for its sub-domains.
 */

/**
 * The Bot Framework's public hosts (Azure Bot Service channels and Teams). Not `*.trafficmanager.net`:
 * anyone can register a name there; Teams uses `smba.trafficmanager.net` only.
 */
export const PRODUCTION_SERVICE_URL_HOSTS = ['*.botframework.com', 'smba.trafficmanager.net'];
/** Outside production, replies go to this machine only (the Bot Framework Emulator). */
export const LOCAL_SERVICE_URL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export function defaultServiceUrlHosts(nodeEnv: 'development' | 'test' | 'production'): string[] {
  return nodeEnv === 'production' ? PRODUCTION_SERVICE_URL_HOSTS : LOCAL_SERVICE_URL_HOSTS;
}

const LOOPBACK_HOSTS = new Set(LOCAL_SERVICE_URL_HOSTS);

/** Whether the request came from this machine (IPv4 127/8, IPv6 ::1, or IPv4-mapped 127/8). */
export function isLoopbackAddress(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || ip === '::1';
}

/**
 * Whether a request came straight from this machine: its socket is loopback and it carries no
 * X-Forwarded-For (a request relayed by a proxy is from whoever the proxy serves, whatever the
 * header claims).
 */
export function directFromThisMachine(req: { socket: { remoteAddress?: string | undefined }; headers: Record<string, unknown> }): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && req.headers['x-forwarded-for'] === undefined;
}

/**
 * The key a client address is limited under: an IPv4 address as it is, an IPv6 address by its
 * /64 (one home or phone gets a whole /64, and could rotate through it).
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (ip.startsWith('::ffff:') || !ip.includes(':')) return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => (g || '0').toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** True when `serviceUrl` is https on its default port (or http to this machine) on a host the patterns allow. */
export function serviceUrlAllowed(serviceUrl: string, patterns: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(host))) return false;
  if (url.username || url.password) return false;
  // Another port of a Bot Framework host is not the Bot Framework.
  if (url.port !== '' && !LOOPBACK_HOSTS.has(host)) return false;
  return patterns.some((p) => {
    const pattern = p.toLowerCase();
    return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern;
  });
}
