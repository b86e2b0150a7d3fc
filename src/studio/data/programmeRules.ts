import type { Programme, Rule } from '../../domain/eligibility/programmeSchema.ts';
import { html } from '../layout.ts';

const named = (xs: Array<{ code: string; name: string }>) => xs.map((x) => `${x.name} (${x.code})`).join(', ');

/** One rule in plain words (read-only: rules are edited in flows/programmes.yaml). */
export function ruleText(r: Rule): string {
  switch (r.type) {
    case 'age':
      return r.min !== undefined && r.max !== undefined ? `Aged ${r.min} to ${r.max}` : r.min !== undefined ? `Aged ${r.min} or over` : `Aged ${r.max} or under`;
    case 'council':
      return `Lives in ${named(r.councils)}`;
    case 'imdDecile':
      return `Lives in a neighbourhood in IMD 2019 decile ${r.max} or lower (1 = most deprived)`;
    case 'ward':
      return `Lives in the ward${r.wards.length > 1 ? 's' : ''} ${named(r.wards)}`;
    case 'employmentStatus':
      return `Employment status is one of: ${r.allowed.join(', ')}`;
    case 'hospitality':
      return `Worked in hospitality in the last ${r.withinYears} year(s)${r.orAtRiskOfRedundancy ? ', or is at risk of losing their job' : ''}`;
    case 'rightToWork':
      return 'Has the right to work in the UK';
    case 'allOf':
      return 'All of these';
    case 'anyOf':
      return 'At least one of these';
  }
}

/** The rules as a nested list. */
export function rulesList(rules: readonly Rule[]): string {
  return `<ul>${rules
    .map((r) => {
      const inner = r.type === 'allOf' || r.type === 'anyOf' ? rulesList(r.rules) : '';
      return `<li>${html(ruleText(r))}${r.id ? ` <span class="rule-id">(rule id: ${html(r.id)})</span>` : ''}${inner}</li>`;
    })
    .join('')}</ul>`;
}

export function cohortText(p: Programme): string {
  if (!p.cohort || (!p.cohort.opens && !p.cohort.closes)) return 'Always open';
  return `${p.cohort.opens ? `from ${p.cohort.opens}` : ''}${p.cohort.opens && p.cohort.closes ? ' ' : ''}${p.cohort.closes ? `to ${p.cohort.closes}` : ''} (both included)`;
}
