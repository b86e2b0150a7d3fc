/**
 * The twelve turns both systems are driven through. Anchorline gets button values
 * where a resident would press a button; the peer gets the button's text, which is
 * what a Bot Framework imBack button sends.
 */
export interface ScriptTurn {
  /** Anchorline input. */
  text?: string;
  value?: string;
  /** What the Bot Framework peer receives (button title or typed text). */
  peerText: string;
  /** Replies both systems must send (a wrong count marks the turn as an error). */
  replies: number;
  /** A word the last reply must contain. */
  expect: string;
}

export const SCRIPT: readonly ScriptTurn[] = [
  { text: 'hi', peerText: 'hi', replies: 2, expect: 'language' },
  { value: 'en', peerText: 'English', replies: 2, expect: 'keep your answers' },
  { value: 'yes', peerText: 'Yes', replies: 2, expect: 'How old' },
  { text: '18 to 24', peerText: '18 to 24', replies: 1, expect: 'at the moment' },
  { text: 'looking for work', peerText: 'looking for work', replies: 1, expect: 'postcode' },
  { text: 'b5 7rn', peerText: 'b5 7rn', replies: 1, expect: 'age in years' },
  // Not a number: both must answer with a hint and ask again.
  { text: 'old enough', peerText: 'old enough', replies: 1, expect: 'age in years' },
  { text: '23', peerText: '23', replies: 1, expect: 'hours a week' },
  { text: '20', peerText: '20', replies: 1, expect: 'right to work' },
  { value: 'yes', peerText: 'Yes', replies: 1, expect: 'first name' },
  { text: 'Sam', peerText: 'Sam', replies: 2, expect: 'courses starting soon' },
  { text: 'yes please', peerText: 'yes please', replies: 1, expect: 'Thank you!' },
];

export const TURNS_PER_CONVERSATION = SCRIPT.length;
