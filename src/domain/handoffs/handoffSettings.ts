import { z } from 'zod';
import { DEFAULT_OFFICE_HOURS_JSON, officeHoursSettingSchema } from './officeHours.ts';

const groupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'a Slack user group id such as S0123ABCD');

/**
 * Settings the handoff needs, in the shape of src/config.ts `settings` entries, so the
 * lead can add them there (src/ never reads process.env itself).
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
  SLACK_NOTE_PREFIX: {
    schema: z.string().min(1).max(20).default('note:'),
    description: 'Adviser thread replies starting with this stay internal (not sent to the resident)',
  },
  SLACK_DUTY_GROUP_ID: {
    schema: groupId.optional(),
    description: 'Slack user group mentioned when a handoff waits too long',
  },
  SLACK_SAFEGUARDING_GROUP_ID: {
    schema: groupId.optional(),
    description: 'Slack user group mentioned at once, at any hour, on urgent (safeguarding) handoffs',
  },
} as const;
