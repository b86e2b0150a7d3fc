import { z } from 'zod';

/**
 * Flow parameters are scalars or lists of scalars, and answers may arrive as text
 * ("yes", "19"), so action parameters accept both forms.
 */
export const flowBoolean = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  return ['yes', 'y', 'true', '1'].includes(s) ? true : ['no', 'n', 'false', '0'].includes(s) ? false : v;
}, z.boolean());

export const flowNumber = z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number());

/** One value or a list (a single choice answer or a multi-select). */
export const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]), z.array(item));
