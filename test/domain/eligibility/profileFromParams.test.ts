import { describe, expect, it } from 'vitest';
import { ageBandOf, profileFromParams } from '../../../src/domain/eligibility/profileFromParams.ts';

describe('profileFromParams', () => {
  it('reads answers given as strings', () => {
    expect(
      profileFromParams({
        age: '17',
        council: 'E08000025',
        councilApproximate: 'false',
        imdDecile: '1',
        imdCovered: 'true',
        employmentStatus: 'unemployed',
        hospitalityYearsAgo: '1.5',
        atRiskOfRedundancy: 'no',
        rightToWork: 'Yes',
      }),
    ).toEqual({
      age: 17,
      council: 'E08000025',
      councilApproximate: false,
      imdDecile: 1,
      imdCovered: true,
      employmentStatus: 'unemployed',
      hospitalityYearsAgo: 1.5,
      atRiskOfRedundancy: false,
      rightToWork: true,
    });
  });

  it('drops blank and unreadable answers so they are asked again', () => {
    expect(profileFromParams({ age: 'seventeen', employmentStatus: '', rightToWork: 'maybe', imdDecile: '' })).toEqual({});
    expect(profileFromParams({ age: '-3' })).toEqual({});
    expect(profileFromParams({ age: '17.5' })).toEqual({});
    expect(profileFromParams({ employmentStatus: 'astronaut' })).toEqual({});
  });

  it('keeps "known place, unknown decile" apart from "no place yet"', () => {
    expect(profileFromParams({ imdDecile: null })).toEqual({ imdDecile: null });
    expect(profileFromParams({})).toEqual({});
  });

  it('reads "never" as never worked in hospitality', () => {
    expect(profileFromParams({ hospitalityYearsAgo: 'never' })).toEqual({ hospitalityYearsAgo: null });
  });

  it('accepts the work choices a flow uses', () => {
    expect(profileFromParams({ employmentStatus: 'education' })).toEqual({ employmentStatus: 'inEducation' });
    expect(profileFromParams({ employmentStatus: 'other_work' })).toEqual({ employmentStatus: 'employed' });
    // Working in hospitality now answers the hospitality question too, unless it was answered.
    expect(profileFromParams({ employmentStatus: 'hospitality' })).toEqual({ employmentStatus: 'employed', hospitalityYearsAgo: 0 });
    expect(profileFromParams({ employmentStatus: 'hospitality', hospitalityYearsAgo: '1' })).toMatchObject({ hospitalityYearsAgo: 1 });
  });

  it.each([
    ['16_17', { min: 16, max: 17 }],
    ['18-24', { min: 18, max: 24 }],
    ['25_plus', { min: 25, max: 130 }],
    ['25+', { min: 25, max: 130 }],
    ['under_16', { min: 0, max: 15 }],
    ['24_18', undefined],
    ['adult', undefined],
    ['', undefined],
  ])('age band %j → %o', (band, expected) => {
    expect(ageBandOf(band)).toEqual(expected);
  });
});
