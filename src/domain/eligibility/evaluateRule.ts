import type { Profile } from './profile.ts';
import type { AllOfRule, AnyOfRule, Rule, SimpleRule } from './programmeSchema.ts';
import type { ProfileField, RuleResult } from './ruleResult.ts';

type Params = RuleResult['params'];

function result(rule: Rule, outcome: RuleResult['outcome'], variant: string, params: Params = {}, extra: Partial<RuleResult> = {}): RuleResult {
  return { rule: rule.id ?? rule.type, type: rule.type, outcome, key: `eligibility.rule.${rule.type}.${variant}`, params, ...extra };
}

function missing(rule: Rule, needs: ProfileField[], params: Params = {}, variant = 'missing'): RuleResult {
  return result(rule, 'missing', variant, params, { needs });
}

/** A postcode was typed but the postcode service could not check it: say so, never "we need it". */
const unchecked = (p: Profile) => (p.postcodeUnchecked === true ? 'notChecked' : 'missing');

/** One rule against one profile: pure, total, and every outcome carries its reason. */
export function evaluateRule(rule: Rule, p: Profile): RuleResult {
  switch (rule.type) {
    case 'allOf':
      return evaluateAllOf(rule, p);
    case 'anyOf':
      return evaluateAnyOf(rule, p);
    default:
      return evaluateSimple(rule, p);
  }
}

function evaluateSimple(rule: SimpleRule, p: Profile): RuleResult {
  switch (rule.type) {
    case 'age': {
      const band = { ...(rule.min !== undefined && { min: rule.min }), ...(rule.max !== undefined && { max: rule.max }) };
      if (p.age === undefined && p.ageBand) {
        // The whole band must agree; a band that straddles the limit needs the exact age.
        const { min: lo, max: hi } = p.ageBand;
        if (rule.min !== undefined && hi < rule.min) return result(rule, 'failed', 'bandTooYoung', band);
        if (rule.max !== undefined && lo > rule.max) return result(rule, 'failed', 'bandTooOld', band);
        if ((rule.min === undefined || lo >= rule.min) && (rule.max === undefined || hi <= rule.max)) {
          return result(rule, 'passed', 'bandPassed', band);
        }
      }
      if (p.age === undefined) return missing(rule, ['age'], band);
      if (rule.min !== undefined && p.age < rule.min) return result(rule, 'failed', 'tooYoung', { age: p.age, ...band });
      if (rule.max !== undefined && p.age > rule.max) return result(rule, 'failed', 'tooOld', { age: p.age, ...band });
      return result(rule, 'passed', 'passed', { age: p.age, ...band });
    }
    case 'council': {
      const allowed = rule.councils.map((c) => c.name).join(', ');
      if (!p.council) return missing(rule, ['postcode'], { allowed }, unchecked(p));
      const place = rule.councils.find((c) => c.code === p.council)?.name ?? p.councilName ?? p.council;
      const approximate = p.councilApproximate === true;
      const ok = rule.councils.some((c) => c.code === p.council);
      const variant = (ok ? 'passed' : 'failed') + (approximate ? 'Approximate' : '');
      return result(rule, ok ? 'passed' : 'failed', variant, { council: place, allowed }, approximate ? { approximate } : {});
    }
    case 'imdDecile': {
      if (p.imdDecile === undefined) return missing(rule, ['postcode'], { max: rule.max }, unchecked(p));
      // Place known but decile not. Only a place known to lie outside the table's councils is a
      // "no"; otherwise (approximate place, no LSOA from postcodes.io) we could not check.
      if (p.imdDecile === null) {
        return p.imdCovered === false && !p.councilApproximate
          ? result(rule, 'failed', 'outsideArea', { max: rule.max })
          : missing(rule, ['postcode'], { max: rule.max }, 'notChecked');
      }
      const ok = p.imdDecile <= rule.max;
      return result(rule, ok ? 'passed' : 'failed', ok ? 'passed' : 'failed', { decile: p.imdDecile, max: rule.max });
    }
    case 'ward': {
      const allowed = rule.wards.map((w) => w.name).join(', ');
      if (!p.ward) return missing(rule, ['postcode'], { allowed }, p.councilApproximate ? 'notChecked' : unchecked(p));
      const hit = rule.wards.find((w) => w.code === p.ward);
      const ward = hit?.name ?? p.wardName ?? p.ward;
      return result(rule, hit ? 'passed' : 'failed', hit ? 'passed' : 'failed', { ward, allowed });
    }
    case 'employmentStatus': {
      const allowed = rule.allowed.join(',');
      if (!p.employmentStatus) return missing(rule, ['employmentStatus'], { allowed });
      const ok = rule.allowed.includes(p.employmentStatus);
      return result(rule, ok ? 'passed' : 'failed', ok ? 'passed' : 'failed', { status: p.employmentStatus, allowed });
    }
    case 'hospitality': {
      const within = rule.withinYears;
      const years = p.hospitalityYearsAgo;
      if (years !== undefined && years !== null && years <= within) {
        return result(rule, 'passed', years === 0 ? 'passedNow' : 'passedRecent', { years, within });
      }
      if (rule.orAtRiskOfRedundancy && p.atRiskOfRedundancy === true) return result(rule, 'passed', 'passedAtRisk', { within });
      // Someone out of work has no job to lose: "is your job at risk?" has its answer already.
      const noJob = p.employmentStatus === 'unemployed' || p.employmentStatus === 'notWorking';
      const riskCounts = rule.orAtRiskOfRedundancy && !noJob;
      const needs: ProfileField[] = [];
      if (years === undefined) needs.push('hospitalityYearsAgo');
      if (riskCounts && p.atRiskOfRedundancy === undefined) needs.push('atRiskOfRedundancy');
      if (needs.length > 0) return missing(rule, needs, { within });
      // The sentence says what they told us: never, or longer ago than the limit.
      const told = years === null ? 'Never' : 'LongAgo';
      return result(rule, 'failed', `failed${told}${riskCounts ? 'NotAtRisk' : ''}`, { within });
    }
    case 'rightToWork': {
      if (p.rightToWork === undefined) return missing(rule, ['rightToWork']);
      return result(rule, p.rightToWork ? 'passed' : 'failed', p.rightToWork ? 'passed' : 'failed');
    }
    default: {
      const never: never = rule;
      throw new Error(`unhandled rule ${JSON.stringify(never)}`);
    }
  }
}

function flagApproximate(parts: RuleResult[]): Partial<RuleResult> {
  return parts.some((r) => r.approximate) ? { approximate: true } : {};
}

/** All must pass. Failed or missing: the first such part explains it, in its own words. */
function evaluateAllOf(rule: AllOfRule, p: Profile): RuleResult {
  const parts = rule.rules.map((r) => evaluateRule(r, p));
  const decisive = parts.find((r) => r.outcome === 'failed') ?? parts.find((r) => r.outcome === 'missing');
  const id = rule.id ?? rule.type;
  if (decisive) {
    const needs = [...new Set(parts.flatMap((r) => r.needs ?? []))];
    return { ...decisive, rule: id, type: rule.type, parts, ...(decisive.outcome === 'missing' && { needs }), ...flagApproximate(parts) };
  }
  return { ...result(rule, 'passed', 'passed'), parts, ...flagApproximate(parts) };
}

/** One must pass. Passed: the passing part explains it; otherwise all parts are listed. */
function evaluateAnyOf(rule: AnyOfRule, p: Profile): RuleResult {
  const parts = rule.rules.map((r) => evaluateRule(r, p));
  const winner = parts.find((r) => r.outcome === 'passed');
  if (winner) return { ...winner, rule: rule.id ?? rule.type, type: rule.type, parts, ...flagApproximate([winner]) };
  const open = parts.filter((r) => r.outcome === 'missing');
  if (open.length > 0) {
    return { ...missing(rule, [...new Set(open.flatMap((r) => r.needs ?? []))]), parts, ...flagApproximate(parts) };
  }
  return { ...result(rule, 'failed', 'failed'), parts, ...flagApproximate(parts) };
}
