/**
 * The conversation-start turn, sent once per conversation (idempotent on its activity id) when a
 * Direct Line conversation starts or a Bot Framework member joins. The engine needs text or a
 * value and starts a new conversation's flow on any input that is not a command; `cmd:start`
 * is none, so this turn only brings the greeting. Its inbound row is never shown to the
 * resident (directline/activityLog.ts hides inbound rows without text or clientActivityID).
 */
export const START_TURN = { activityId: 'start', value: 'cmd:start' } as const;
