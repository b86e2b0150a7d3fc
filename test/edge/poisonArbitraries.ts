/**
 * Generated poison for every entry point: odd text (NUL, lone surrogates, controls, bidi marks,
 * Slack markup, SQL, very long), odd JSON values, and odd encodings of them (broken bytes, cut
 * short, nested thousands deep, over the body limit, wrong content types).
 */
import fc from 'fast-check';

/** One generated request. */
export interface Req {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const SPECIAL = [
  '\u202e',
  '\u200f',
  '\ufeff',
  '\uffff',
  '\ufffe',
  '\u2028',
  '\u0085',
  '\x1b[31m',
  '\x7f',
  '<!channel>',
  '<@U123|x>',
  '*bold* _it_ ~s~ `c`',
  '%00',
  '\\u0000',
  "'; DROP TABLE conversations; --",
  '${process.env}',
  '{{t}}',
  '\r\n',
  '🏳️‍🌈',
  'ﷺ',
  'İı',
  'مرحبا',
  'help',
  'delete my data',
  'talk to a person',
  'B1 1AA',
  'yes',
];

/** One unit of odd but valid text: printable graphemes, any code point, controls, bidi marks, markup. */
const oddChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL) },
);

/** What no database text may hold: NUL, or half of a surrogate pair. */
const invalidChar: fc.Arbitrary<string> = fc.oneof(fc.constant('\0'), fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)));

const validText = fc.string({ unit: oddChar, maxLength: 24 });

/**
 * Odd text: mostly valid (so that most generated requests get past the edge to the channels and
 * the engine), sometimes with NUL or a lone surrogate inside, sometimes around or past the
 * 4000-character message limit.
 */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  { weight: 60, arbitrary: validText },
  { weight: 1, arbitrary: fc.tuple(validText, invalidChar, validText).map(([a, x, b]) => a + x + b) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ unit: oddChar, minLength: 1, maxLength: 4 }), fc.integer({ min: 900, max: 3000 })).map(([s, n]) => s.repeat(n)) },
);

/** Short printable ASCII (header values must be ByteStrings; fetch refuses CR, LF and NUL). */
export const asciiText = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });

export const oddJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3, stringUnit: fc.oneof({ weight: 600, arbitrary: oddChar }, { weight: 1, arbitrary: invalidChar }) });

/** A value or, sometimes, any JSON at all in its place. */
export function orOdd<T>(arb: fc.Arbitrary<T>, weight = 12): fc.Arbitrary<T | unknown> {
  return fc.oneof({ weight, arbitrary: arb }, { weight: 1, arbitrary: oddJson });
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8'];
const OTHER_TYPES = ['application/json; charset=latin1', 'application/vnd.api+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'garbage', ''];

export interface Encoded {
  body: string | Uint8Array;
  contentType: string;
}

/**
 * A value as a request body: mostly JSON.stringify (which writes lone surrogates as `\ud800`
 * escapes and NUL as `\u0000`), sometimes broken bytes, cut short, deeply nested, over the
 * limit, or sent under another content type.
 */
export function encoded(value: fc.Arbitrary<unknown>, otherTypes: string[] = OTHER_TYPES): fc.Arbitrary<Encoded> {
  const asJson = value.map((v) => JSON.stringify(v) ?? 'null');
  const body: fc.Arbitrary<string | Uint8Array> = fc.oneof(
    { weight: 24, arbitrary: asJson },
    {
      weight: 2,
      arbitrary: fc.tuple(asJson, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([s, at, bytes]) => {
        const b = Buffer.from(s);
        const i = at % (b.length + 1);
        return Buffer.concat([b.subarray(0, i), bytes, b.subarray(i)]);
      }),
    },
    { weight: 1, arbitrary: fc.tuple(asJson, fc.nat()).map(([s, at]) => s.slice(0, at % (s.length + 1))) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 33, max: 20_000 }), fc.boolean()).map(([n, arrays]) => (arrays ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((k) => JSON.stringify({ type: 'message', text: 'x'.repeat(k * 70_000) })) },
  );
  const contentType = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...JSON_TYPES) }, { weight: 1, arbitrary: fc.constantFrom(...otherTypes) });
  return fc.record({ body, contentType });
}

/** Authorization header values: none, garbage, or a well-formed Bearer of the wrong thing. */
export const oddAuthorization: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  asciiText,
  asciiText.map((s) => `Bearer ${s}`),
  fc.constant('Bearer a.b'),
  fc.constant('Bearer '),
);

/** A path segment as a client might send it: odd text percent-encoded, or raw broken escapes. */
export const oddSegment: fc.Arbitrary<string> = fc.oneof(
  oddText.map((s) => {
    try {
      return encodeURIComponent(s.slice(0, 300));
    } catch {
      // A lone surrogate has no UTF-8: send the bytes a careless client would.
      return '%ED%A0%80';
    }
  }),
  fc.constantFrom('%', '%zz', '%00', '%ED%A0%80', '%FF', '..%2F..%2Fetc', '1e309', '-1', '0', '9007199254740993', '1', '2'),
);
