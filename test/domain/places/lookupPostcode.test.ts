import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lookupPostcode, type LookupPostcodeDeps } from '../../../src/domain/places/lookupPostcode.ts';
import { prunePostcodeCache } from '../../../src/domain/places/postcodeCache.ts';
import { loadPlacesReference } from '../../../src/domain/places/placesReference.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';

/**
 * A postcodes.io that never answers. Not nock's `.delay()`: with nock 14.0.13 a delayed reply
 * that fires after the fetch was aborted throws an unhandled InterceptorError
 * (https://github.com/nock/nock/issues/2949).
 */
const neverAnswers = () => new Promise<never>(() => {});

const BASE = 'http://postcodes.test';
const places = loadPlacesReference();

/**
 * A postcodes.io 18.x answer for B26 1EB. Ward, district and the 2011 LSOA ("Birmingham 078D",
 * E01008889) are taken from a recorded postcodes.io response for this postcode; the postcode lies
 * in Tyseley & Hay Mills ward, while ONS best-fits the LSOA to Acocks Green, which is why the ward
 * comes from postcodes.io and not from our LSOA table. `lsoa`/`lsoa21` carry the 2021 code (this
 * LSOA kept its code in 2021); the client must read `lsoa11`.
 */
function b261ebBody() {
  return {
    status: 200,
    result: {
      postcode: 'B26 1EB',
      quality: 1,
      eastings: 411386,
      northings: 284123,
      country: 'England',
      longitude: -1.833874,
      latitude: 52.454944,
      region: 'West Midlands',
      lsoa: 'Birmingham 078D',
      msoa: 'Birmingham 078',
      incode: '1EB',
      outcode: 'B26',
      parliamentary_constituency: 'Birmingham Yardley',
      admin_district: 'Birmingham',
      parish: 'Birmingham, unparished area',
      admin_county: null,
      admin_ward: 'Tyseley & Hay Mills',
      codes: {
        admin_district: 'E08000025',
        admin_county: 'E99999999',
        admin_ward: 'E05011182',
        parish: 'E43000250',
        lsoa: 'E01008889',
        lsoa11: 'E01008889',
        lsoa21: 'E01008889',
      },
    },
  };
}

const drivers: ('pglite' | 'pg')[] = ['pglite', ...(TEST_DATABASE_URL ? (['pg'] as const) : [])];

describe.each(drivers)('lookupPostcode on %s', (driver) => {
  let t: TestDb;
  let now = new Date('2026-11-28T10:00:00Z');
  const deps = (over: Partial<LookupPostcodeDeps> = {}): LookupPostcodeDeps => ({
    db: t.db,
    places,
    postcodesIoUrl: BASE,
    timeoutMs: 3000,
    now,
    ...over,
  });

  beforeAll(async () => {
    t = await createTestDb({ driver });
    nock.disableNetConnect();
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await t.close();
  });
  beforeEach(async () => {
    now = new Date('2026-11-28T10:00:00Z');
    await t.db.query('DELETE FROM postcode_cache');
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it('finds a Birmingham postcode, with ward, 2011 LSOA and IMD decile', async () => {
    const scope = nock(BASE).get('/postcodes/B26%201EB').reply(200, b261ebBody());
    const out = await lookupPostcode(' b26 1eb ', deps());
    expect(out).toEqual({
      type: 'found',
      postcode: 'B26 1EB',
      council: 'E08000025',
      councilName: 'Birmingham',
      ward: 'E05011182',
      wardName: 'Tyseley & Hay Mills',
      lsoa11: 'E01008889',
      imdDecile: 2,
      imdCovered: true,
      approximate: false,
    });
    scope.done();
  });

  it('joins IMD on codes.lsoa11, not codes.lsoa (the 2021 code since postcodes.io 18)', async () => {
    const body = b261ebBody();
    // A postcode whose 2021 LSOA got a new code: only lsoa11 finds it in the 2019 index.
    body.result.codes.lsoa = 'E01033999';
    body.result.codes.lsoa21 = 'E01033999';
    body.result.codes.lsoa11 = 'E01008882';
    nock(BASE).get('/postcodes/B26%201EB').reply(200, body);
    const out = await lookupPostcode('B261EB', deps());
    expect(out).toMatchObject({ type: 'found', lsoa11: 'E01008882', imdDecile: 1 });
  });

  it('a Sandwell postcode is found, outside the IMD table: a B postcode is not Birmingham', async () => {
    // B67 9HG is a Sandwell postcode (mySociety MapIt's example for Sandwell). Ward and LSOA codes
    // below are illustrative: this test is about the council, which is E08000028 (Sandwell).
    nock(BASE)
      .get('/postcodes/B67%209HG')
      .reply(200, {
        status: 200,
        result: {
          postcode: 'B67 9HG',
          admin_district: 'Sandwell',
          admin_ward: 'Abbey',
          codes: { admin_district: 'E08000028', admin_ward: 'E05001260', lsoa: 'E01010090', lsoa11: 'E01010090', lsoa21: 'E01010090' },
        },
      });
    expect(await lookupPostcode('B67 9HG', deps())).toMatchObject({
      type: 'found',
      council: 'E08000028',
      councilName: 'Sandwell',
      imdDecile: null,
      imdCovered: false,
      approximate: false,
    });
  });

  it('a Birmingham result without lsoa11 leaves the decile unknown, not "outside"', async () => {
    const body = b261ebBody();
    delete (body.result.codes as { lsoa11?: string }).lsoa11;
    nock(BASE).get('/postcodes/B26%201EB').reply(200, body);
    expect(await lookupPostcode('B26 1EB', deps())).toMatchObject({ type: 'found', lsoa11: null, imdDecile: null, imdCovered: true });
  });

  it('without a ward from postcodes.io, falls back to the ONS best-fit ward of the LSOA', async () => {
    const body = b261ebBody();
    (body.result.codes as { admin_ward: string | null }).admin_ward = null;
    (body.result as { admin_ward: string | null }).admin_ward = null;
    nock(BASE).get('/postcodes/B26%201EB').reply(200, body);
    expect(await lookupPostcode('B26 1EB', deps())).toMatchObject({ ward: 'E05011118', wardName: 'Acocks Green' });
  });

  it('prunes answers older than 30 days', async () => {
    nock(BASE).get('/postcodes/B26%201EB').reply(200, b261ebBody());
    await lookupPostcode('B26 1EB', deps());
    expect(await prunePostcodeCache(t.db, new Date(now.getTime() + 29 * 24 * 3600 * 1000))).toBe(0);
    expect(await prunePostcodeCache(t.db, new Date(now.getTime() + 31 * 24 * 3600 * 1000))).toBe(1);
  });

  it('the cache answers the second lookup without calling postcodes.io, for 30 days', async () => {
    const scope = nock(BASE).get('/postcodes/B26%201EB').once().reply(200, b261ebBody());
    const first = await lookupPostcode('B26 1EB', deps());
    scope.done();
    // nock would throw "no match" (net connect is disabled) if a second request went out.
    now = new Date(now.getTime() + 29 * 24 * 3600 * 1000);
    const second = await lookupPostcode('b261eb', deps());
    expect(second).toEqual(first);

    now = new Date(now.getTime() + 2 * 24 * 3600 * 1000);
    const refresh = nock(BASE).get('/postcodes/B26%201EB').reply(200, b261ebBody());
    expect(await lookupPostcode('B26 1EB', deps())).toEqual(first);
    refresh.done();
  });

  it('rejects a badly formed postcode without calling the API', async () => {
    expect(await lookupPostcode('B26', deps())).toEqual({ type: 'invalid' });
    // Net connect is disabled: had a request gone out, the answer would be 'unavailable'.
    expect(await lookupPostcode('not a postcode', deps())).toEqual({ type: 'invalid' });
  });

  it('maps postcodes.io "Invalid postcode" to invalid', async () => {
    // Well formed for the `postcode` package but refused by postcodes.io.
    const scope = nock(BASE).get('/postcodes/B99%209ZZ').reply(404, { status: 404, error: 'Invalid postcode' });
    expect(await lookupPostcode('B99 9ZZ', deps())).toEqual({ type: 'invalid' });
    scope.done();
  });

  it('maps "Postcode not found" to notFound and caches it for a day only', async () => {
    const scope = nock(BASE)
      .get('/postcodes/B15%209ZZ')
      .reply(404, { status: 404, error: 'Postcode not found', terminated: { postcode: 'B15 9ZZ', year_terminated: 2019 } });
    expect(await lookupPostcode('B15 9ZZ', deps())).toEqual({ type: 'notFound', postcode: 'B15 9ZZ' });
    scope.done();
    expect(await lookupPostcode('B15 9ZZ', deps())).toEqual({ type: 'notFound', postcode: 'B15 9ZZ' });
    now = new Date(now.getTime() + 25 * 3600 * 1000);
    const again = nock(BASE).get('/postcodes/B15%209ZZ').reply(404, { status: 404, error: 'Postcode not found' });
    expect(await lookupPostcode('B15 9ZZ', deps())).toEqual({ type: 'notFound', postcode: 'B15 9ZZ' });
    again.done();
  });

  it('on a 500, falls back to the district only where it lies wholly in one council', async () => {
    nock(BASE).get('/postcodes/B12%200AA').reply(500, { status: 500, error: 'Internal server error' });
    expect(await lookupPostcode('B12 0AA', deps())).toEqual({
      type: 'found',
      postcode: 'B12 0AA',
      council: 'E08000025',
      councilName: 'Birmingham',
      ward: null,
      wardName: null,
      lsoa11: null,
      imdDecile: null,
      imdCovered: true,
      approximate: true,
    });
    // B66 is Smethwick (Sandwell): a B postcode is not proof of Birmingham.
    nock(BASE).get('/postcodes/B66%201AA').reply(500, { status: 500, error: 'Internal server error' });
    expect(await lookupPostcode('B66 1AA', deps())).toEqual({ type: 'unavailable', postcode: 'B66 1AA' });
    // Approximate answers are not cached: the next lookup asks postcodes.io again.
    const { rows } = await t.db.query('SELECT postcode FROM postcode_cache');
    expect(rows).toEqual([]);
  });

  it('on a timeout, gives up after the time limit and falls back', async () => {
    nock(BASE).get('/postcodes/B91%203AA').reply(neverAnswers);
    const out = await lookupPostcode('B91 3AA', deps({ timeoutMs: 50 }));
    expect(out).toMatchObject({ type: 'found', council: 'E08000029', councilName: 'Solihull', approximate: true });
    nock(BASE).get('/postcodes/B90%201AA').reply(neverAnswers);
    expect(await lookupPostcode('B90 1AA', deps({ timeoutMs: 50 }))).toEqual({ type: 'unavailable', postcode: 'B90 1AA' });
  });

  it('treats a connection failure as unavailable', async () => {
    nock(BASE).get('/postcodes/B37%205AA').replyWithError('connect ECONNREFUSED');
    expect(await lookupPostcode('B37 5AA', deps())).toEqual({ type: 'unavailable', postcode: 'B37 5AA' });
  });

  it('treats a malformed 200 as unavailable rather than trusting it', async () => {
    nock(BASE).get('/postcodes/B1%201AA').reply(200, { status: 200, result: { postcode: 'B1 1AA' } });
    expect(await lookupPostcode('B1 1AA', deps())).toMatchObject({ type: 'found', approximate: true });
  });
});
