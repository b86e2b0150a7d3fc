export type CallbackParse =
  | { type: 'none' }
  | { type: 'invalid' }
  | { type: 'valid'; phone: string; preferredTime: string };

/**
 * Finds a UK phone number in a resident's out-of-hours message ("07700 900123, mornings").
 * Valid: 11 digits starting 01, 02, 03 or 07 (or +44 / 0044 then 10 digits). A run of
 * 7+ digits that is not one of those is "invalid", so the resident can be asked again.
 */
export function parseCallbackRequest(text: string): CallbackParse {
  const m = /(?:\+|00)?[\d][\d ()-]{5,18}\d/.exec(text);
  if (!m) return { type: 'none' };
  let digits = m[0].replace(/\D/g, '');
  if (digits.length < 7) return { type: 'none' };
  if (m[0].startsWith('+44') || m[0].startsWith('0044')) digits = `0${digits.slice(m[0].startsWith('+') ? 2 : 4)}`;
  if (!/^0[1237]\d{9}$/.test(digits)) return { type: 'invalid' };
  const phone = `${digits.slice(0, 5)} ${digits.slice(5)}`;
  const preferredTime = `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`.replace(/^[\s,.;:-]+|[\s,.;:-]+$/g, '').slice(0, 200);
  return { type: 'valid', phone, preferredTime };
}
