import { describe, expect, it } from 'vitest';
import { AppError, errorStatus, toAppError } from '../../src/errors.ts';
import { checkJson } from '../../src/http/checkJson.ts';

describe('checkJson', () => {
  it('names where the bad text is, as a JSON path', () => {
    expect(checkJson(JSON.parse('{"a":[1,{"b":"x\\u0000"}]}'))).toEqual({ code: 'invalid_unicode', message: 'the JSON text at $.a[1].b contains U+0000 (NUL)' });
    expect(checkJson(JSON.parse('["ok","\\udfff"]'))).toEqual({ code: 'invalid_unicode', message: 'the JSON text at $[1] contains a lone surrogate (not valid Unicode)' });
    expect(checkJson(JSON.parse('{"a":{"\\ud800":1}}'))?.message).toBe('the JSON text at $.a has a key that contains a lone surrogate (not valid Unicode)');
  });

  it('accepts surrogate pairs, other controls and exactly the deepest nesting allowed', () => {
    expect(checkJson(JSON.parse('{"t":"\\ud83d\\ude00 \\u0001 \\u202e"}'))).toBeUndefined();
    const nest = (n: number): unknown => (n === 0 ? 1 : [nest(n - 1)]);
    expect(checkJson(nest(32))).toBeUndefined();
    expect(checkJson(nest(33))).toEqual({ code: 'json_too_deep', message: 'the JSON is nested more than 32 levels deep (at $[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0])' });
    expect(checkJson(nest(5), 4)?.code).toBe('json_too_deep');
  });
});

describe('toAppError', () => {
  it('keeps our errors, maps body-parser and other client errors by their code, hides the rest', () => {
    const ours = new AppError('rate_limited', 'slow down', { headers: { 'Retry-After': '3' } });
    expect(toAppError(ours)).toBe(ours);
    expect(ours.status).toBe(429);
    expect(toAppError(Object.assign(new Error('too big'), { type: 'entity.too.large', status: 413 })).code).toBe('body_too_large');
    expect(toAppError(Object.assign(new Error('Not Found'), { status: 404, expose: true })).toBody()).toEqual({ error: { code: 'not_found', message: 'Not Found' } });
    const hidden = toAppError(new Error('connection string postgres://secret@db'));
    expect(hidden.toBody()).toEqual({ error: { code: 'internal', message: 'something went wrong' } });
    expect(hidden.status).toBe(500);
  });

  it('answers every code with a real HTTP error status', () => {
    for (const [code, status] of Object.entries(errorStatus)) expect({ code, ok: status >= 400 && status <= 599 }).toEqual({ code, ok: true });
  });
});
