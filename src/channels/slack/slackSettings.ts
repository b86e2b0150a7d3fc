import { z } from 'zod';

const groupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'a Slack user group id such as S0123ABCD');

/** Settings of the Slack adviser channel, in the shape of src/config.ts `settings` entries. */
export const slackSettings = {
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
