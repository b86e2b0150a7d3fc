import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';

const userInfoSchema = z.object({
  user: z
    .object({
      real_name: z.string().optional(),
      profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).partial().optional(),
    })
    .optional(),
});

export interface AdviserNames {
  /** What a resident may be told the adviser is called; undefined when Slack gives no name. */
  of(userId: string): Promise<string | undefined>;
}

/**
 * Advisers' display names from Slack (`users.info`, needs the `users:read` scope), cached per
 * process. The name residents see: the display name, else the real name; never the handle
 * ("u0adv1") a block action carries. A failed look-up is not cached and yields no name, so the
 * resident is told "An adviser" instead.
 */
export function adviserNames(client: webApi.WebClient, logger: Logger, ttlMs = 3_600_000, now: () => number = Date.now): AdviserNames {
  const cache = new Map<string, { name: string | undefined; until: number }>();
  return {
    async of(userId) {
      const hit = cache.get(userId);
      if (hit && hit.until > now()) return hit.name;
      try {
        const parsed = userInfoSchema.safeParse(await client.users.info({ user: userId }));
        const u = parsed.success ? parsed.data.user : undefined;
        const name = [u?.profile?.display_name, u?.profile?.real_name, u?.real_name].map((n) => n?.trim()).find((n) => n);
        cache.set(userId, { name, until: now() + ttlMs });
        return name;
      } catch (err) {
        logger.warn({ err, userId }, 'slack: adviser name not found; residents are told "an adviser"');
        return undefined;
      }
    },
  };
}
