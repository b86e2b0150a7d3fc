import nock from 'nock';

/**
 * postcodes.io (outside Anchorline) answering for B11 3AA, Tyseley & Hay Mills: a real row of the
 * shipped IMD table (LSOA E01008882, decile 1), so eligibility says "I Can". Once per call.
 */
export function answerTyseley(postcodesIoUrl: string): void {
  nock(postcodesIoUrl)
    .get('/postcodes/B11%203AA')
    .reply(200, {
      status: 200,
      result: {
        postcode: 'B11 3AA',
        admin_district: 'Birmingham',
        admin_ward: 'Tyseley & Hay Mills',
        codes: { admin_district: 'E08000025', admin_ward: 'E05011182', lsoa: 'E01033620', lsoa11: 'E01008882', lsoa21: 'E01033620' },
      },
    });
}
