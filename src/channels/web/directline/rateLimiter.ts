/**
 * Token bucket per key (a client address, a conversation): `capacity` requests at once, refilled at
 * `perMinute`. Idle buckets are dropped so the map stays small.
 */
export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string, now?: number): Verdict;
  /** What `take` would answer now, taking nothing. */
  peek(key: string, now?: number): Verdict;
}

export function createRateLimiter(perMinute: number, capacity = perMinute): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  let lastSweep = 0;
  const verdictOf = (tokens: number): Verdict =>
    tokens < 1 ? { allowed: false, retryAfterSeconds: Math.ceil((1 - tokens) / ratePerMs / 1000) } : { allowed: true };
  return {
    peek(key, now = Date.now()) {
      const b = buckets.get(key);
      return verdictOf(b ? Math.min(capacity, b.tokens + (now - b.at) * ratePerMs) : capacity);
    },
    take(key, now = Date.now()) {
      if (now - lastSweep > 60_000) {
        lastSweep = now;
        for (const [k, b] of buckets) if (b.tokens + (now - b.at) * ratePerMs >= capacity) buckets.delete(k);
      }
      const b = buckets.get(key) ?? { tokens: capacity, at: now };
      b.tokens = Math.min(capacity, b.tokens + (now - b.at) * ratePerMs);
      b.at = now;
      buckets.set(key, b);
      const verdict = verdictOf(b.tokens);
      if (verdict.allowed) b.tokens -= 1;
      return verdict;
    },
  };
}

export interface MessageRate {
  perMinute: number;
  burst: number;
}

/**
 * Defaults of the message limits (issue 12). A resident typing fast sends about one message a
 * second in bursts: 20 at once and 60 a minute per conversation never stops a person but stops
 * a script at once. An address is shared by everyone behind one NAT (a library, a college, a
 * housing association's community room): 600 a minute with bursts of 200 is ten residents at a
 * person's top speed, or many more at a normal pace, and still caps a flood of many tokens.
 */
export const DEFAULT_CONVERSATION_RATE: MessageRate = { perMinute: 60, burst: 20 };
export const DEFAULT_ADDRESS_RATE: MessageRate = { perMinute: 600, burst: 200 };
