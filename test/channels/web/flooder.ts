/**
 * One client flooding a Direct Line conversation, in a process of its own and over raw keep-alive
 * TCP connections (a script, not a browser), so that the flooding costs the machine as little
 * as possible beside what the server spends on it:
 * `node --import tsx flooder.ts <activitiesUrl> <token> <count> <perSecond> <address> <startAt> <onMs> <offMs>`.
 * From `startAt` (epoch ms) posts `count` messages at `perSecond` during windows of `onMs`,
 * pausing `offMs` between them, then prints one JSON line: how many got each status, and the
 * Retry-After values and error codes of the refused.
 */
import net from 'node:net';

const [urlArg, token, countArg, rateArg, address, startArg, onArg, offArg] = process.argv.slice(2);
const url = new URL(urlArg!);
const count = Number(countArg);
const CONNECTIONS = 4;
const gapMs = 1000 / Number(rateArg);
const onMs = Number(onArg);
const offMs = Number(offArg);
const perWindow = Math.round(onMs / gapMs);
/** When message `i` is due, as epoch milliseconds. */
const dueAt = (i: number) => Number(startArg) + Math.floor(i / perWindow) * (onMs + offMs) + (i % perWindow) * gapMs;

function request(i: number): string {
  const body = JSON.stringify({ type: 'message', text: `flood ${i}` });
  return (
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
    `X-Forwarded-For: ${address}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

const t0 = performance.now();
const received: string[] = [];

await Promise.all(
  Array.from({ length: CONNECTIONS }, (_, w) => {
    const socket = net.connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let data = '';
    let sent = 0;
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    return new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', async () => {
        for (let i = w; i < count; i += CONNECTIONS) {
          const wait = dueAt(i) - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          socket.write(request(i));
          sent++;
        }
        // Every answer in: as many status lines as requests.
        const done = () => (data.match(/HTTP\/1\.1 \d{3} /g)?.length ?? 0) >= sent && data.endsWith('}');
        while (!done()) await new Promise((r) => setTimeout(r, 20));
        received.push(data);
        socket.end();
        resolve();
      });
    });
  }),
);

const statuses: Record<string, number> = {};
const retryAfter: Record<string, number> = {};
const codes: Record<string, number> = {};
// Every answer has a JSON body (which never holds this text): each starts where the last ended.
for (const response of received.join('').split(/(?=HTTP\/1\.1 \d{3} )/)) {
  const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 'none';
  statuses[status] = (statuses[status] ?? 0) + 1;
  if (status === '429') {
    const ra = /^retry-after: *(\S+)/im.exec(response)?.[1] ?? 'none';
    retryAfter[ra] = (retryAfter[ra] ?? 0) + 1;
    const code = /"code":"([a-z_]+)"/.exec(response)?.[1] ?? 'none';
    codes[code] = (codes[code] ?? 0) + 1;
  }
}
process.stdout.write(`${JSON.stringify({ statuses, retryAfter, codes, ms: Math.round(performance.now() - t0) })}\n`);
