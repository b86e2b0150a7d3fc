/**
 * Form posts as the files' schemas read them: fields named after the schema's paths
 * (`venue.name`), text trimmed, numbers and yes/no turned into values only when they are
 * clearly one, so that anything else is reported by the schema itself, next to its field.
 */

type Fields = Record<string, string>;

const text = (f: Fields, name: string): string | undefined => {
  const v = f[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
};

const num = (f: Fields, name: string): number | string | undefined => {
  const v = text(f, name);
  return v !== undefined && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
};

const yesNo = (f: Fields, name: string): boolean | string | undefined => {
  const v = text(f, name);
  return v === 'yes' ? true : v === 'no' ? false : v;
};

/** A session form as flows/courses.yaml writes a session (checked with sessionInputSchema). */
export function sessionFromForm(f: Fields): unknown {
  return {
    id: text(f, 'id'),
    venue: { name: text(f, 'venue.name'), address: text(f, 'venue.address'), accessible: yesNo(f, 'venue.accessible') },
    startDate: text(f, 'startDate'),
    startTime: text(f, 'startTime'),
    endTime: text(f, 'endTime'),
    capacity: num(f, 'capacity'),
  };
}

/** A vacancy form as flows/partners.yaml writes a vacancy (checked with vacancyInputSchema). */
export function vacancyFromForm(f: Fields): unknown {
  const startDate = text(f, 'startDate');
  return {
    id: text(f, 'id'),
    role: text(f, 'role'),
    jobFamily: text(f, 'jobFamily'),
    band: text(f, 'band'),
    hoursPerWeek: num(f, 'hoursPerWeek'),
    site: { id: text(f, 'site.id'), name: text(f, 'site.name') },
    closingDate: text(f, 'closingDate'),
    ...(startDate ? { startDate } : {}),
    minAge: num(f, 'minAge'),
    requirements: f['requirements.drivingLicence'] === 'yes' ? ['drivingLicence'] : [],
  };
}

export const capacityFromForm = (f: Fields): number | string | undefined => num(f, 'capacity');
export const closingDateFromForm = (f: Fields): string | undefined => text(f, 'closingDate');
