/**
 * Outcomes report query times (issue 15): generates the seeded population of test/outcomes
 * (6,000 starts, ~5,300 residents, ~26,000 events) into a fresh schema on PostgreSQL, then times
 * `loadOutcomes` — every query of one report, with suppression — 20 times for each case and
 * prints the median and the maximum. Then the pages a person waits for, over HTTP on the real
 * app (`buildApp`): the dashboard (report + eight charts drawn to SVG on the server), a CSV
 * export and the monthly report's HTML, with the operator's token.
 *
 *   npm run bench:outcomes
 *
 * Environment: BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/test), OUTCOMES_RUNS
 * (20), OUTCOMES_STARTS (6000), OUTCOMES_DRIVER=pglite (the embedded database instead).
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/store/db.ts';
import { loadOutcomes } from '../src/domain/outcomes/loadOutcomes.ts';
import type { OutcomeFilters, OutcomeScope } from '../src/domain/outcomes/outcomeReport.ts';
import { generatePopulation, insertPopulation } from '../test/outcomes/population.ts';
import { openBenchDb, type BenchDriver } from './benchDb.ts';
import { round, summarise } from './stats.ts';

const url = process.env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';
const runs = Number(process.env.OUTCOMES_RUNS || 20);
const starts = Number(process.env.OUTCOMES_STARTS || 6000);
const driver: BenchDriver = process.env.OUTCOMES_DRIVER === 'pglite' ? 'pglite' : 'pg';

const WHOLE: OutcomeFilters = { from: new Date('2026-07-01T00:00:00Z'), to: new Date('2026-11-10T00:00:00Z') };
const OCTOBER: OutcomeFilters = { from: new Date('2026-09-30T23:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };

const cases: Array<[string, OutcomeScope, OutcomeFilters]> = [
  ['network, four months', { kind: 'network' }, WHOLE],
  ['network, October', { kind: 'network' }, OCTOBER],
  ['network, October, decile 1', { kind: 'network' }, { ...OCTOBER, imdDecile: 1 }],
  ['network, four months, programme + employer', { kind: 'network' }, { ...WHOLE, programmeId: 'young-people', partnerId: 'uhb' }],
  ['network, four months, referral code', { kind: 'network' }, { ...WHOLE, referralCode: 'PIONTEN1' }],
  ['partner (community), four months', { kind: 'partner', partnerId: 'pioneer' }, WHOLE],
  ['partner (community), October, own code + decile 1', { kind: 'partner', partnerId: 'pioneer' }, { ...OCTOBER, referralCode: 'PIONYTH2', imdDecile: 1 }],
  ['partner (employer), four months', { kind: 'partner', partnerId: 'uhb' }, WHOLE],
  ['partner (employer), October, itself as employer', { kind: 'partner', partnerId: 'uhb' }, { ...OCTOBER, partnerId: 'uhb' }],
];

async function main(): Promise<void> {
  const bench = await openBenchDb(driver, url);
  try {
    const pop = generatePopulation({ seed: 15, starters: starts });
    const t0 = performance.now();
    await insertPopulation(bench.db, pop);
    await bench.db.query('ANALYZE funnel_events');
    console.log(`${bench.where}`);
    console.log(`population: ${starts} starts, ${pop.residents} residents, ${pop.events.length} events; inserted in ${round(performance.now() - t0, 0)} ms`);
    console.log(`\n| case | median ms | max ms |\n|---|---:|---:|`);
    for (const [name, scope, filters] of cases) {
      await loadOutcomes(bench.db, scope, filters, { now: pop.now }); // warm: plans, places reference
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        await loadOutcomes(bench.db, scope, filters, { now: pop.now });
        samples.push(performance.now() - s);
      }
      const sum = summarise(samples);
      console.log(`| ${name} | ${round(sum.p50, 1)} | ${round(sum.max, 1)} |`);
    }
    await pages(bench.db);
  } finally {
    await bench.close();
  }
}

/** The pages over HTTP: what a coordinator or partner waits for (the last full month, as the dashboard opens). */
async function pages(db: Db): Promise<void> {
  const token = 'bench-operator-token-0123456789';
  const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', ADMIN_TOKEN: token }), { db, logger: pino({ level: 'silent' }), workers: false });
  try {
    const base = `http://127.0.0.1:${app.server.port}/admin/outcomes`;
    const month = 'from=2026-10-01&to=2026-10-31';
    const page: Array<[string, string]> = [
      ['dashboard, October (network)', `${base}?${month}`],
      ['dashboard, October, decile 1', `${base}?${month}&decile=1`],
      ['funnel CSV, October', `${base}/export/funnel.csv?${month}`],
      ['monthly report HTML, October', `${base}/report?month=2026-10`],
    ];
    console.log(`\n| page over HTTP (${runs} runs) | median ms | max ms | bytes |\n|---|---:|---:|---:|`);
    for (const [name, pageUrl] of page) {
      const get = async () => {
        const res = await fetch(pageUrl, { headers: { authorization: `Bearer ${token}`, accept: 'text/html' } });
        if (!res.ok) throw new Error(`${name}: ${res.status} ${(await res.text()).slice(0, 200)}`);
        return (await res.arrayBuffer()).byteLength;
      };
      const bytes = await get(); // warm: chart specs compiled, plans
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        await get();
        samples.push(performance.now() - s);
      }
      const sum = summarise(samples);
      console.log(`| ${name} | ${round(sum.p50, 1)} | ${round(sum.max, 1)} | ${bytes} |`);
    }
  } finally {
    await app.close();
  }
}

await main();
