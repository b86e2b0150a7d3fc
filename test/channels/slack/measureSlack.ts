/**
 * Measures (not a test): Slack ack time through the real Bolt receiver, and the relay time
 * both ways between a Direct Line resident and a Slack adviser, with the real engine.
 *   TEST_DATABASE_URL=postgres://… npx tsx test/channels/slack/measureSlack.ts [rounds]
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { createHandoffs } from '../../../src/channels/slack/createHandoffs.ts';
import { findOpenHandoff } from '../../../src/domain/handoffs/handoffStore.ts';
import { handoffSettings } from '../../../src/domain/handoffs/handoffSettings.ts';
import { loadConfig } from '../../../src/config.ts';
import { allActions } from '../../../src/domain/allActions.ts';
import { ActionRegistry } from '../../../src/engine/actions.ts';
import { createEngine } from '../../../src/engine/createEngine.ts';
import type { Engine } from '../../../src/engine/port.ts';
import { makeActionRunner } from '../../../src/engine/runAction.ts';
import { FlowCatalog } from '../../../src/flows/catalog.ts';
import { createTestDb } from '../../helpers/testDb.ts';
import { silent } from '../../domain/handoffs/handoffFixtures.ts';
import { connect, serveDirectLine } from '../web/directLineHarness.ts';
import { CHANNEL, sign, SLACK, slackStandIn, until } from './slackHarness.ts';

const rounds = Number(process.argv[2] ?? 100);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (name: string, xs: number[]) => `${name}: n=${xs.length} p50=${pct(xs, 50).toFixed(1)} ms p99=${pct(xs, 99).toFixed(1)} ms max=${Math.max(...xs).toFixed(1)} ms`;

const t = await createTestDb();
const api = slackStandIn();
// The shipped flows call the real domain actions, registered as the app does.
const actions = new ActionRegistry().register(...(await allActions(loadConfig({ FLOWS_DIR: 'flows' }))));
const catalog = new FlowCatalog({ flowsDir: 'flows', localesDir: 'locales', actions, runAction: makeActionRunner(actions, 2000, silent) }, t.db);
await catalog.reload();
const ref: { engine?: Engine } = {};
const desk = createHandoffs({
  db: t.db,
  logger: silent,
  engine: () => ref.engine!,
  localesDir: path.resolve('locales'),
  flowsDir: path.resolve('flows'),
  defaultLocale: 'en',
  officeHours: handoffSettings.HANDOFF_OFFICE_HOURS.schema.parse(JSON.stringify({ default: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])) })),
  escalationMinutes: 15,
  slack: { botToken: 'xoxb-m', signingSecret: 'measure-secret', handoffChannel: CHANNEL, apiUrl: `${SLACK}/api/`, notePrefix: 'note:' },
});
const engine = createEngine({ db: t.db, catalog, logger: silent, handoffs: desk.service, safeguarding: desk.safeguarding });
ref.engine = engine;
const dl = await serveDirectLine({ db: t.db, engine, logger: silent, tokenSigningKey: 'k'.repeat(32), widgetOrigins: [] });
const app = express();
app.use('/', desk.router!);
const server = await new Promise<import('node:http').Server>((r) => {
  const s = app.listen(0, '127.0.0.1', () => r(s));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
await desk.start();

const slackPost = (body: string, type: string) => fetch(url, { method: 'POST', headers: { 'content-type': type, ...sign(body, undefined, 'measure-secret') }, body });

const gen = (await (await fetch(`${dl.domain}/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
const c = connect({ domain: dl.domain, token: gen.token, webSocket: true, conversationStartProperties: { locale: 'en' } });
await c.waitFor((a) => /language/.test(String(a.text)), 'greeting');
await c.post({ type: 'message', text: 'talk to a person', channelData: { clientActivityID: 'p' } });
const h = await until(async () => {
  const x = await findOpenHandoff(t.db, gen.conversationId);
  return x?.slackTs ? x : undefined;
}, 'card');
const claim = new URLSearchParams({
  payload: JSON.stringify({ type: 'block_actions', team: { id: 'T1' }, user: { id: 'USAM', name: 'Sam' }, channel: { id: CHANNEL }, actions: [{ type: 'button', action_id: 'handoff_claim', value: String(h.id) }] }),
}).toString();
await slackPost(claim, 'application/x-www-form-urlencoded');
await until(async () => (await findOpenHandoff(t.db, gen.conversationId))?.adviserId === 'USAM', 'claimed');

const ack: number[] = [];
const toSlack: number[] = [];
const toResident: number[] = [];
for (let i = 0; i < rounds; i++) {
  // Resident → Slack thread.
  const text = `resident message ${i}`;
  let start = performance.now();
  await c.post({ type: 'message', text, channelData: { clientActivityID: `r${i}` } });
  await until(async () => api.of('chat.postMessage').some((p) => p.text === `Resident: ${text}`), 'relay', 10_000);
  toSlack.push(performance.now() - start);
  // Adviser → resident stream; the ack time is the Slack request's own round trip.
  const reply = `adviser reply ${i}`;
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: 'T1',
    event_id: `Ev${i}`,
    event: { type: 'message', channel: CHANNEL, user: 'USAM', text: reply, ts: `${2000 + i}.0`, thread_ts: h.slackTs },
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
  });
  start = performance.now();
  const res = await slackPost(body, 'application/json');
  ack.push(performance.now() - start);
  if (res.status !== 200) throw new Error(`ack ${res.status}`);
  await c.waitFor((a) => a.text === reply, 'adviser reply');
  toResident.push(performance.now() - start);
}
console.error(`driver: ${t.db.driver}; rounds: ${rounds}`);
console.error(fmt('Slack ack (signed event → 200)', ack));
console.error(fmt('relay resident → Slack thread (post → chat.postMessage)', toSlack));
console.error(fmt('relay adviser → resident (Slack event → Direct Line stream)', toResident));
c.end();
await desk.stop();
server.close();
await dl.close();
api.done();
await t.close();
process.exit(0);
