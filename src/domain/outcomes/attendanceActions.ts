import { z } from 'zod';
import { defineAction, type DomainAction } from '../../engine/actions.ts';
import { flowBoolean } from '../journey/flowParams.ts';
import { answerAttendance, answerAttendanceResultSchema } from './attendance.ts';

/**
 * The resident's answer to "did you go?" (flows/commands.yaml: attended, not_attended), in the
 * turn's transaction. The result's `type` picks the reply (journey.attendanceAnswer_<type>).
 */
export function attendanceActions(): DomainAction[] {
  const actions = [
    defineAction({
      name: 'answerAttendance',
      description: "Records whether the resident went to the course session they were last asked about (or, not asked yet, the latest to end) that has ended and is not yet answered; a coordinator's mark is never overwritten.",
      params: z.object({ went: flowBoolean }),
      result: answerAttendanceResultSchema,
      run: (p, ctx) => answerAttendance(ctx.tx, ctx.conversationId, p.went, ctx.now),
    }),
  ];
  return actions as unknown as DomainAction[];
}
