import { describe, expect, it } from 'vitest';
import { handoffCard, transcriptLines } from '../../../src/channels/slack/handoffCard.ts';
import type { MessageRow } from '../../../src/store/messages.ts';
import type { Handoff } from '../../../src/store/handoffs.ts';

const base: Handoff = {
  id: 7,
  conversationId: 'c7',
  reason: 'safeguarding',
  urgency: 'urgent',
  status: 'queued',
  locale: 'ur',
  partner: 'default',
  summary: [['Programme', 'I Can']],
  age: '16_17',
  adviserId: null,
  adviserName: null,
  requestedAt: new Date('2026-07-14T10:00:00Z'),
  claimedAt: null,
  endedAt: null,
  leftReason: null,
  erasedAt: null,
  contact: { step: 'method', method: null, value: null, consentAt: null },
  waitingNotes: 0,
};
const opts = { now: new Date('2026-07-14T10:12:00Z'), notePrefix: 'note:' };
const text = (h: Partial<Handoff>) => JSON.stringify(handoffCard({ ...base, ...h }, [], opts));

describe('handoff card', () => {
  it('flags child-safeguarding routing on urgent cards for under-18s, not for adults', () => {
    expect(text({})).toContain('Under 18:* follow the child-safeguarding procedure');
    expect(text({})).toContain('Age given: 16_17');
    expect(text({ age: '25_plus' })).not.toMatch(/Under 18|Age not known/);
    // The shipped flows ask an exact age.
    expect(text({ age: '16' })).toContain('Age given: 16');
    expect(text({ age: '19' })).not.toMatch(/Under 18|Age not known/);
    expect(text({ age: null })).toContain('Age not known');
    expect(text({ urgency: 'normal', reason: 'resident_asked' })).not.toContain('Under 18');
  });

  it('shows the state in place: waiting, claimed by, in conversation, returned, closed', () => {
    expect(text({})).toContain('Waiting for an adviser');
    expect(text({})).toContain('12 min');
    const claimed = text({ status: 'claimed', adviserId: 'UAMY', claimedAt: new Date('2026-07-14T10:05:00Z') });
    expect(claimed).toContain('Claimed by <@UAMY> at <!date^1784023500^{time}|10:05 UTC>');
    expect(text({ status: 'active', adviserId: 'UAMY', claimedAt: base.requestedAt })).toContain('In conversation with <@UAMY>');
    expect(text({ status: 'returned', endedAt: opts.now })).toContain('Returned to the assistant');
    expect(text({ status: 'closed', endedAt: opts.now })).toContain('Closed at');
  });

  it('offers only the buttons that make sense in each state', () => {
    const ids = (h: Partial<Handoff>) => {
      const actions = handoffCard({ ...base, ...h }, [], opts).find((b) => b.type === 'actions') as { elements: { action_id: string }[] };
      return actions.elements.map((e) => e.action_id);
    };
    expect(ids({})).toEqual(['handoff_claim', 'handoff_return', 'handoff_close', 'handoff_view']);
    expect(ids({ status: 'claimed', adviserId: 'U1' })).toEqual(['handoff_release', 'handoff_return', 'handoff_close', 'handoff_view']);
    expect(ids({ status: 'closed' })).toEqual(['handoff_view']);
  });

  it('never shows advisers a resident\'s one-time link to their data, in the card or the full transcript', () => {
    const link = 'http://localhost:3978/privacy/export/Qx9_Zk-3aB7cD0eF1gH2iJ3kL4mN5oP6qR7sT8uV9wX';
    const messages: MessageRow[] = [
      { conversationId: 'c7', seq: 1, direction: 'in', activityId: 'a1', body: { text: 'send me my data' }, createdAt: new Date() },
      { conversationId: 'c7', seq: 2, direction: 'out', activityId: null, body: { type: 'text', text: `Here is a copy of all we hold about you: [Open my data](${link})`, locale: 'en', dir: 'ltr' }, createdAt: new Date() },
    ];
    for (const shown of [JSON.stringify(handoffCard(base, messages, opts)), transcriptLines(messages)]) {
      expect(shown).not.toContain('Qx9_Zk-3aB7cD0eF1gH2iJ3kL4mN5oP6qR7sT8uV9wX');
      expect(shown).toContain('/privacy/export/[hidden]');
      expect(shown).toContain('send me my data');
    }
  });
});
