/**
 * One client flooding a Direct Line conversation, in a process of its own so that its work does
 * not slow the test's measurements:
 * `node --import tsx flooder.ts <activitiesUrl> <token> <count> <perSecond> <address>`.
 * Posts `count` messages at `perSecond` over four keep-alive connections (a script, not a
 * browser), then prints one JSON line: how many got each status, and the Retry-After values and
 * error codes of the refused.
 */
const [url, token, countArg, rateArg, address] = process.argv.slice(2);
const count = Number(countArg);
const CONNECTIONS = 4;
const intervalMs = (1000 / Number(rateArg)) * CONNECTIONS;
const statuses: Record<string, number> = {};
const retryAfter: Record<string, number> = {};
const codes: Record<string, number> = {};
const t0 = performance.now();
let next = 0;

async function post(i: number): Promise<void> {
  const res = await fetch(url!, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-forwarded-for': address! },
    body: JSON.stringify({ type: 'message', text: `flood ${i}` }),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  if (res.status === 429) {
    const ra = res.headers.get('retry-after') ?? 'none';
    retryAfter[ra] = (retryAfter[ra] ?? 0) + 1;
    codes[body.error?.code ?? 'none'] = (codes[body.error?.code ?? 'none'] ?? 0) + 1;
  }
}

await Promise.all(
  Array.from({ length: CONNECTIONS }, async (_, w) => {
    for (let n = 0; ; n++) {
      const i = next++;
      if (i >= count) return;
      const wait = t0 + (n * intervalMs + (w * intervalMs) / CONNECTIONS) - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // A failed connection is counted, so the test says so rather than the flooder dying.
      await post(i).catch(() => (statuses.error = (statuses.error ?? 0) + 1));
    }
  }),
);
process.stdout.write(`${JSON.stringify({ statuses, retryAfter, codes, ms: Math.round(performance.now() - t0) })}\n`);
