/**
 * One call to postcodes.io: `GET {baseUrl}/postcodes/{postcode}`.
 * Response shapes: https://postcodes.io/docs (and ../shared/DOMAIN.md).
 */
import { z } from 'zod';

/** The area codes we keep from a postcodes.io result (what the cache stores). */
export const apiPlaceSchema = z.object({
  council: z.string(),
  councilName: z.string(),
  ward: z.string().nullable(),
  wardName: z.string().nullable(),
  lsoa11: z.string().nullable(),
});
export type ApiPlace = z.infer<typeof apiPlaceSchema>;

export type ApiAnswer =
  | { type: 'found'; place: ApiPlace }
  | { type: 'invalid' }
  | { type: 'notFound' }
  | { type: 'unavailable'; reason: 'timeout' | 'network' | 'status' | 'badResponse'; status?: number };

const okSchema = z.object({
  status: z.literal(200),
  result: z.object({
    postcode: z.string(),
    admin_district: z.string().nullable(),
    admin_ward: z.string().nullable(),
    codes: z.object({
      admin_district: z.string().min(1),
      admin_ward: z.string().nullable().optional(),
      // Since postcodes.io 18.0.0 `lsoa` is the 2021 code; IMD 2019 needs the 2011 one.
      lsoa11: z.string().nullable().optional(),
    }),
  }),
});
const errorSchema = z.object({ status: z.number(), error: z.string() });

export interface FetchPostcodeOptions {
  timeoutMs: number;
  /** The turn's signal: a cancelled turn stops waiting too. */
  signal?: AbortSignal;
}

export async function fetchPostcode(baseUrl: string, postcode: string, opts: FetchPostcodeOptions): Promise<ApiAnswer> {
  // A plain timer, not AbortSignal.timeout/any: on Node 20 a composed timeout signal can be
  // collected before it fires and the request then never ends (seen as a hung test). The race
  // also bounds the wait when a stalled body or an interceptor ignores the abort.
  const ac = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
      resolve('timeout');
    }, opts.timeoutMs);
  });
  const onTurnAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onTurnAbort, { once: true });
  const url = `${baseUrl.replace(/\/+$/, '')}/postcodes/${encodeURIComponent(postcode)}`;
  let res: Response;
  let body: unknown;
  try {
    const answer = await Promise.race([
      (async () => {
        const r = await fetch(url, { signal: ac.signal, headers: { accept: 'application/json' } });
        return { r, b: (await r.json().catch(() => undefined)) as unknown };
      })(),
      expired,
    ]);
    if (answer === 'timeout') return { type: 'unavailable', reason: 'timeout' };
    res = answer.r;
    body = answer.b;
  } catch {
    return { type: 'unavailable', reason: timedOut ? 'timeout' : 'network' };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onTurnAbort);
  }
  if (res.status === 200) {
    const ok = okSchema.safeParse(body);
    if (!ok.success) return { type: 'unavailable', reason: 'badResponse', status: 200 };
    const r = ok.data.result;
    return {
      type: 'found',
      place: {
        council: r.codes.admin_district,
        councilName: r.admin_district ?? r.codes.admin_district,
        ward: r.codes.admin_ward ?? null,
        wardName: r.admin_ward,
        lsoa11: r.codes.lsoa11 ?? null,
      },
    };
  }
  if (res.status === 404) {
    const err = errorSchema.safeParse(body);
    if (err.success && /invalid postcode/i.test(err.data.error)) return { type: 'invalid' };
    // "Postcode not found", also for terminated postcodes (which carry a `terminated` object).
    if (err.success && /not found/i.test(err.data.error)) return { type: 'notFound' };
  }
  return { type: 'unavailable', reason: 'status', status: res.status };
}
