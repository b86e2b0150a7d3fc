import { z } from 'zod';
import { DEFAULT_OFFICE_HOURS_JSON, officeHoursSettingSchema } from './officeHours.ts';

/**
 * Settings the handoff needs, in the shape of src/config.ts `settings` entries (src/ never
 * reads process.env itself). The adviser channel's own settings live with the channel.
 */
export const handoffSettings = {
  HANDOFF_OFFICE_HOURS: {
    schema: z.string().default(DEFAULT_OFFICE_HOURS_JSON).pipe(officeHoursSettingSchema),
    description:
      'Adviser hours per partner as JSON, Europe/London time, e.g. {"default":{"mon":["09:00-17:00"],...},"uhb":{...}}; a missing day is closed; UK bank holidays are always closed',
  },
  HANDOFF_ESCALATION_MINUTES: {
    schema: z.coerce.number().int().positive().max(1440).default(15),
    description: 'Minutes a handoff may wait unclaimed before it is re-posted mentioning the duty group',
  },
} as const;
