import { createActor, type AnyMachineSnapshot, type Snapshot } from 'xstate';
import type { Logger } from 'pino';
import { readAnswer } from '../flows/answers.ts';
import type { FlowCatalog } from '../flows/catalog.ts';
import type { Command } from '../flows/commands.ts';
import type { CompiledFlow, FlowEvent, Intent } from '../flows/compile.ts';
import { resolveParams } from '../flows/conditions.ts';
import { turnLatency, turnsTotal } from '../metrics.ts';
import type { Db, Queryable } from '../store/db.ts';
import { appendReplies, loadForTurn, writeTurn, type ConversationRow } from '../store/conversations.ts';
import { KeyedMutex } from '../store/mutex.ts';
import { turnContext } from './actions.ts';
import { MESSAGES_CHANNEL, type Engine, type HandoffReason, type HandoffService, type SafeguardingCheck, type TurnOutcome } from './port.ts';
import { Renderer } from './render.ts';
import type { Reply } from './reply.ts';
import { turnSchema, type Turn } from './turn.ts';

export interface EngineOptions {
  db: Db;
  catalog: FlowCatalog;
  logger: Logger;
  /** The flow a new conversation starts (default `main`). */
  startFlow?: string;
  defaultLocale?: string;
  inactivityMinutes?: number;
  handoffs?: HandoffService;
  safeguarding?: SafeguardingCheck;
  /** Extra erasure for "delete my data" (domain rows), run on the turn's connection. */
  erasers?: Array<(db: Queryable, conversationId: string) => Promise<void>>;
  now?: () => Date;
}

interface Plan {
  replies: Reply[];
  set: Parameters<typeof writeTurn>[1]['set'];
  eraseMessages?: boolean;
  /** Store the inbound message (false for "delete my data"). */
  keepInbound: boolean;
  relay?: boolean;
}

export class EngineError extends Error {
  constructor(
    readonly code: 'flow_missing' | 'turn_invalid',
    message: string,
  ) {
    super(message);
  }
}

const norm = (s: string) => s.normalize('NFKC').toLocaleLowerCase().replace(/[\s\p{P}]+/gu, ' ').trim();

/**
 * The ask step a stored snapshot waits in, read from its state value (`age` or
 * `{ about: 'age' }` → `about.age`) without restoring an actor.
 */
function waitingAsk(snapshot: unknown, flow: CompiledFlow) {
  let value = (snapshot as { value?: unknown } | undefined)?.value;
  const path: string[] = [];
  while (value && typeof value === 'object') {
    const [k, v] = Object.entries(value)[0] ?? [];
    if (k === undefined) return undefined;
    path.push(k);
    value = v;
  }
  if (typeof value !== 'string') return undefined;
  return flow.asks.get([...path, value].join('.'));
}

function settled(s: AnyMachineSnapshot): boolean {
  return s.status !== 'active' || s.hasTag('awaitingInput') || s.hasTag('actionFailed');
}

/** Rewrites state ids of a stored snapshot's value through a declared migration. */
function mapValue(value: unknown, steps: Record<string, string>): unknown {
  if (typeof value === 'string') return steps[value] ?? value;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [steps[k] ?? k, mapValue(v, steps)]));
  }
  return value;
}

/** What an adviser's card shows: the programme and eligibility at the top, then the answers. */
function handoffSummary(data: Record<string, unknown>, turns: number): Record<string, unknown> {
  const e = data.eligibility as { programme?: { name?: string } | null; status?: string; eligible?: boolean } | undefined;
  const { eligibility: _e, sessions: _s, matches: _m, ...answers } = data;
  return {
    ...(e?.programme?.name ? { programme: e.programme.name } : {}),
    ...(e?.status ? { eligibility: e.status } : {}),
    answers,
    turns,
  };
}

export function createEngine(opts: EngineOptions): Engine & { readonly db: Db } {
  const { db, catalog, logger } = opts;
  const startFlow = opts.startFlow ?? 'main';
  const now = opts.now ?? (() => new Date());
  const perConversation = new KeyedMutex();
  const pessimistic = db.driver === 'pg';

  /** Runs the machine from a snapshot (or from the start) with one event, until it waits again. */
  async function runMachine(flow: CompiledFlow, snapshot: unknown, event: FlowEvent | undefined, onIntent: (i: Intent, data: Record<string, unknown>) => Promise<void> | void) {
    const intents: Intent[] = [];
    const actor = createActor(flow.machine, snapshot ? { snapshot: snapshot as Snapshot<unknown> } : {});
    actor.on('intent', (e: { intent: Intent }) => void intents.push(e.intent));
    let failed: unknown;
    actor.subscribe({ error: (err) => (failed = err) });
    actor.start();
    if (event) actor.send(event);
    // Wait while an invoked action runs: never persist mid-action (restore would run it again).
    const last = settled(actor.getSnapshot())
      ? actor.getSnapshot()
      : await new Promise<AnyMachineSnapshot>((resolve) => {
          const sub = actor.subscribe({
            next: (s: AnyMachineSnapshot) => {
              if (settled(s)) {
                sub.unsubscribe();
                resolve(s);
              }
            },
            error: () => resolve(actor.getSnapshot()),
          });
        });
    const data = ((last.context as { data?: Record<string, unknown> } | undefined)?.data ?? {}) as Record<string, unknown>;
    for (const i of intents) await onIntent(i, data);
    const persisted = actor.getPersistedSnapshot();
    actor.stop();
    if (failed) throw failed;
    return { snapshot: last, persisted };
  }

  async function flowFor(conv: ConversationRow): Promise<{ flow: CompiledFlow; snapshot: unknown }> {
    const live = catalog.current.flows.get(conv.flow_id ?? startFlow) ?? catalog.current.flows.get(startFlow);
    if (!live) throw new EngineError('flow_missing', `no flow named ${startFlow}`);
    // A new conversation, one on the live version, or one whose flow is gone (it starts afresh).
    if (!conv.snapshot || !conv.flow_version || conv.flow_id !== live.id || conv.flow_version === live.version) {
      return { flow: live, snapshot: conv.flow_id === live.id ? conv.snapshot : undefined };
    }
    const migration = live.flow.migrations.find((m) => conv.flow_version!.startsWith(m.from));
    if (migration) {
      const snap = conv.snapshot as { value: unknown };
      return { flow: live, snapshot: { ...snap, value: mapValue(snap.value, migration.steps) } };
    }
    const old = await catalog.get(conv.flow_id!, conv.flow_version);
    if (old) return { flow: old, snapshot: conv.snapshot };
    logger.warn({ conversationId: conv.id, flowId: conv.flow_id, version: conv.flow_version }, 'stored flow version missing; restarting');
    return { flow: live, snapshot: undefined };
  }

  // Normalised command phrases per language, built once per flow set (a reload builds anew).
  const phraseIndex = new WeakMap<object, Map<string, Map<string, Command>>>();
  function matchCommand(turn: Turn, r: Renderer, commands: Command[]): Command | undefined {
    if (typeof turn.value === 'string' && turn.value.startsWith('cmd:')) return commands.find((c) => `cmd:${c.id}` === turn.value);
    if (!turn.text) return undefined;
    let byLocale = phraseIndex.get(commands);
    if (!byLocale) phraseIndex.set(commands, (byLocale = new Map()));
    let index = byLocale.get(r.locale);
    if (!index) {
      index = new Map();
      for (const c of commands) for (const p of r.list(c.phrases)) if (!index.has(norm(p))) index.set(norm(p), c);
      byLocale.set(r.locale, index);
    }
    return index.get(norm(turn.text));
  }

  async function requestHandoff(conn: Queryable, conv: ConversationRow, r: Renderer, reason: HandoffReason, urgency: 'normal' | 'urgent', data: Record<string, unknown>): Promise<{ replies: Reply[]; owner?: 'person' }> {
    if (!opts.handoffs) return { replies: [r.text('engine.handoffUnavailable')] };
    const out = await opts.handoffs.request(
      { conversationId: conv.id, reason, urgency, locale: r.locale, summary: handoffSummary(data, conv.turns) },
      conn,
    );
    return { replies: out.replies, owner: 'person' };
  }

  /** Decides what a turn does; may run domain actions on `conn`. Writes nothing itself. */
  async function plan(turn: Turn, conv: ConversationRow, conn: Queryable): Promise<Plan> {
    const set = catalog.current;
    let locale = conv.locale;
    if (conv.created && turn.locale && set.translator.languages.includes(turn.locale)) locale = turn.locale;
    let r = new Renderer(set.translator, locale);
    const replies: Reply[] = [];
    const keep: Plan = { replies, set: locale !== conv.locale ? { locale } : {}, keepInbound: true };

    if (turn.attachments) {
      // Files could hold anything (documents, photos of IDs): we never take them in chat.
      replies.push(r.text('engine.fileRefused'));
      if (turn.text === undefined && turn.value === undefined) return keep;
    }
    if (conv.owner === 'person') return { ...keep, relay: true };

    const { flow, snapshot: stored } = await flowFor(conv);
    let snapshot = conv.status === 'ended' ? undefined : stored;
    const data = ((snapshot as { context?: { data?: Record<string, unknown> } } | undefined)?.context?.data ?? {}) as Record<string, unknown>;

    if (turn.text && opts.safeguarding) {
      // The flows ask an exact age (`age`) or, in older versions, a band (`age_band`): both decide the youth helplines.
      const ageBand = typeof data.age_band === 'string' ? data.age_band : typeof data.age === 'number' ? String(data.age) : undefined;
      const s = opts.safeguarding.check(turn.text, locale, { ageBand });
      if (s.matched) {
        replies.push(...s.replies);
        const h = await requestHandoff(conn, conv, r, 'safeguarding', 'urgent', data);
        replies.push(...h.replies);
        return { ...keep, set: { ...keep.set, ...(h.owner ? { owner: h.owner } : {}) } };
      }
    }

    // Language buttons offered by "change language".
    if (typeof turn.value === 'string' && turn.value.startsWith('lang:')) {
      const lng = turn.value.slice(5);
      if (set.translator.languages.includes(lng)) {
        locale = lng;
        r = new Renderer(set.translator, locale);
        replies.push(r.text('engine.languageChanged'));
        await reask(flow, snapshot, r, replies);
        return { ...keep, set: { locale } };
      }
    }

    const command = matchCommand(turn, r, set.commands);
    if (command) {
      switch (command.do) {
        case 'say':
          replies.push(r.text(command.say!));
          await reask(flow, snapshot, r, replies);
          return keep;
        case 'changeLanguage':
          replies.push(r.choices(command.say ?? 'engine.chooseLanguage', set.translator.languages.map((l) => ({ value: `lang:${l}`, label: r.s(`languages.${l}`) }))));
          return keep;
        case 'handoff': {
          const h = await requestHandoff(conn, conv, r, 'resident_asked', 'normal', data);
          replies.push(...h.replies);
          return { ...keep, set: { ...keep.set, ...(h.owner ? { owner: h.owner } : {}) } };
        }
        case 'deleteData':
          for (const erase of opts.erasers ?? []) await erase(conn, conv.id);
          replies.push(r.text(command.say ?? 'engine.dataDeleted'));
          return { replies, set: { snapshot: null, flowId: null, flowVersion: null, consent: false, status: 'ended' }, eraseMessages: true, keepInbound: false };
        case 'stop':
          replies.push(r.text(command.say ?? 'engine.stopped'));
          return { ...keep, set: { ...keep.set, snapshot: null, status: 'ended' } };
        case 'call': {
          let result: Record<string, unknown>;
          try {
            result = (await catalog.opts.runAction(command.call!, {})) as Record<string, unknown>;
          } catch {
            // Already logged and counted by the runner: the resident gets the apology, nothing else changes.
            replies.push(r.text('engine.actionFailed'));
            await reask(flow, snapshot, r, replies);
            return keep;
          }
          // A result's `type` picks the wording variant (i18next context: key_found, key_none...).
          replies.push(r.text(command.say!, { ...result, ...(typeof result.type === 'string' ? { context: result.type } : {}) }));
          await reask(flow, snapshot, r, replies);
          return keep;
        }
        case 'restart':
          snapshot = undefined;
          break;
        default: {
          const never: never = command.do;
          throw new Error(`unknown command ${String(never)}`);
        }
      }
    }

    let event: FlowEvent | undefined;
    let consent: boolean | undefined;
    if (snapshot && !command) {
      if (turn.value === 'cmd:continue' || turn.value === 'cmd:retry') {
        await reask(flow, snapshot, r, replies);
        return keep;
      }
      const idle = (turn.receivedAt.getTime() - new Date(conv.last_activity_at).getTime()) / 60_000;
      if (opts.inactivityMinutes && idle > opts.inactivityMinutes) {
        replies.push(r.choices('engine.welcomeBack', [
          { value: 'cmd:continue', label: r.s('engine.carryOn') },
          { value: 'cmd:restart', label: r.s('engine.startAgain') },
        ]));
        return keep;
      }
      const ask = waitingAsk(snapshot, flow);
      if (ask) {
        const res = readAnswer(ask, {
          text: turn.text,
          value: turn.value,
          choiceWords: r.choiceWords(ask, data),
          ...(ask.choicesFrom ? { optionValues: Renderer.dataOptions(ask, data).map((c) => c.value) } : {}),
          allWords: r.list('answers.allWords'),
          yesWords: r.list('answers.yesWords'),
          noWords: r.list('answers.noWords'),
          now: now(),
        });
        if (res.ok) {
          event = { type: 'ANSWER', value: res.value };
          if (ask.sets === 'locale' && typeof res.value === 'string' && set.translator.languages.includes(res.value)) {
            locale = res.value;
            r = new Renderer(set.translator, locale);
          }
          if (ask.sets === 'consent') consent = res.value === true;
        } else {
          event = { type: 'INVALID', hint: ask.hint ?? res.hint, params: res.params ?? {} };
        }
      }
    }

    let owner: 'person' | undefined;
    let ended = false;
    const run = await runMachine(flow, snapshot, event, async (i, ctxData) => {
      switch (i.type) {
        case 'say':
          for (const k of i.keys) replies.push(r.text(k, { ...ctxData, ...resolveParams(i.params, ctxData) }));
          break;
        case 'ask': {
          const step = flow.asks.get(i.path);
          if (step) replies.push(...r.question(step, ctxData));
          break;
        }
        case 'hint': {
          const step = flow.asks.get(i.path);
          if (step) replies.push(...r.question(step, ctxData, r.s(i.hint, i.params)));
          break;
        }
        case 'offerPerson':
          replies.push(r.choices('engine.offerPerson', [
            { value: 'cmd:person', label: r.s('engine.talkToPerson') },
            { value: 'cmd:retry', label: r.s('engine.tryAgain') },
          ]));
          break;
        case 'handoff': {
          const h = await requestHandoff(conn, conv, r, i.reason, 'normal', ctxData);
          replies.push(...h.replies);
          owner = h.owner;
          break;
        }
        case 'end':
          ended = true;
          break;
        default: {
          const never: never = i;
          throw new Error(`unknown intent ${JSON.stringify(never)}`);
        }
      }
    });

    if (run.snapshot.hasTag('actionFailed')) {
      // Keep the state the resident was in: nothing they typed is lost, they can try again.
      return { replies: [r.text('engine.actionFailed')], set: keep.set, keepInbound: true };
    }
    const newSet: Plan['set'] = {
      ...keep.set,
      // An ended flow keeps its final snapshot (answers for the record); the next message starts afresh.
      snapshot: run.persisted,
      flowId: flow.id,
      flowVersion: flow.version,
      status: ended ? 'ended' : 'active',
      ...(locale !== conv.locale ? { locale } : {}),
      ...(owner ? { owner } : {}),
    };
    if (consent !== undefined) newSet.consent = consent;
    // Refused consent: keep nothing they typed.
    return { replies, set: newSet, keepInbound: consent !== false, eraseMessages: consent === false };
  }

  async function reask(flow: CompiledFlow, snapshot: unknown, r: Renderer, replies: Reply[]): Promise<void> {
    if (!snapshot) return;
    const ask = waitingAsk(snapshot, flow);
    const data = (snapshot as { context?: { data?: Record<string, unknown> } }).context?.data ?? {};
    if (ask) replies.push(...r.question(ask, data));
  }

  async function turnOn(conn: Queryable, actionDb: Queryable, turn: Turn): Promise<TurnOutcome & { relay?: { seq: number } }> {
    const locale = turn.locale ?? opts.defaultLocale ?? 'en';
    const loaded = await loadForTurn(
      conn,
      { conversationId: turn.conversationId, channel: turn.channel, userId: turn.user.id, locale, activityId: turn.activityId },
      pessimistic,
    );
    if (loaded.duplicateReplies) {
      if (pessimistic) await conn.query('ROLLBACK');
      return { replies: loaded.duplicateReplies as Reply[], duplicate: true, seqs: [] };
    }
    const conv = loaded.conversation;
    const ac = new AbortController();
    const p = await turnContext.run(
      {
        conversationId: conv.id,
        activityId: turn.activityId,
        channel: turn.channel,
        userId: turn.user.id,
        locale: conv.locale,
        tx: actionDb,
        now: turn.receivedAt,
        signal: ac.signal,
      },
      () => plan(turn, conv, actionDb),
    );
    // Numbers keep rising even after an erase: an open stream's watermark must not skip what follows.
    let seq = conv.last_seq;
    const messages: Array<{ seq: number; direction: 'in' | 'out'; activityId: string | null; body: unknown }> = [];
    let inboundSeq: number | undefined;
    if (p.keepInbound) {
      inboundSeq = ++seq;
      const clientActivityId = (turn as { clientActivityId?: string }).clientActivityId;
      messages.push({
        seq: inboundSeq,
        direction: 'in',
        activityId: turn.activityId,
        body: { text: turn.text, value: turn.value, userId: turn.user.id, userName: turn.user.name, clientActivityId },
      });
    }
    for (const reply of p.replies) messages.push({ seq: ++seq, direction: 'out', activityId: null, body: reply });
    await writeTurn(
      conn,
      { conversationId: conv.id, activityId: turn.activityId, set: p.set, lastSeq: seq, at: turn.receivedAt, replies: p.replies, messages, eraseMessages: p.eraseMessages ?? false, notifyChannel: MESSAGES_CHANNEL },
      pessimistic,
    );
    return { replies: p.replies, duplicate: false, seqs: messages.map((m) => m.seq), ...(p.relay && inboundSeq ? { relay: { seq: inboundSeq } } : {}) };
  }

  async function handleTurn(raw: Turn): Promise<TurnOutcome> {
    const turn = turnSchema.parse(raw) as Turn;
    if (!turn.text && turn.value === undefined && !turn.attachments) throw new EngineError('turn_invalid', 'a turn needs text, a value or an attachment');
    const started = process.hrtime.bigint();
    let outcome = 'failed';
    try {
      const result = await perConversation.run(turn.conversationId, () =>
        pessimistic ? db.session((conn) => turnOn(conn, conn, turn)) : turnOn(db, db, turn),
      );
      outcome = result.duplicate ? 'duplicate' : result.relay ? 'relayed' : 'ok';
      if (result.relay && opts.handoffs) {
        await opts.handoffs
          .relayResidentMessage({ conversationId: turn.conversationId, seq: result.relay.seq, text: turn.text, value: turn.value, locale: turn.locale ?? 'en' })
          .catch((err: unknown) => logger.error({ conversationId: turn.conversationId, err: { message: (err as Error).message } }, 'relay to adviser failed'));
      }
      logger.info({ conversationId: turn.conversationId, channel: turn.channel, outcome, replies: result.replies.length }, 'turn');
      return { replies: result.replies, duplicate: result.duplicate, seqs: result.seqs };
    } catch (err) {
      logger.error({ conversationId: turn.conversationId, err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'turn failed');
      throw err;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      turnLatency.observe({ channel: turn.channel, outcome }, seconds);
      turnsTotal.inc({ channel: turn.channel, outcome });
    }
  }

  async function sendProactive(conversationId: string, replies: Reply[]): Promise<number[]> {
    return perConversation.run(conversationId, () => db.transaction((tx) => appendReplies(tx, conversationId, replies, MESSAGES_CHANNEL)));
  }

  return { db, handleTurn, sendProactive };
}
