import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/engine/reply.ts';
import { engineOn, flowDir } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const flow = `id: main
steps:
  pay:
    ask: pay
    type: choice
    question: t.payQuestion
    help: t.payWhy
    choices:
      - { value: hourly, label: t.hourly }
      - { value: salary, label: t.salary }
  age:
    ask: age
    type: number
    question: t.ageQuestion
  done:
    end: true
    say: t.bye
`;
const words = {
  en: { t: { payQuestion: 'How would you like to be paid?', payWhy: 'Some jobs pay by the hour, some by the year.', hourly: 'By the hour', salary: 'A yearly salary', ageQuestion: 'How old are you?', bye: 'Goodbye.' } },
  ur: { t: { payQuestion: 'آپ کو تنخواہ کیسے چاہیے؟', payWhy: 'کچھ نوکریاں گھنٹے کے حساب سے، کچھ سال کے حساب سے۔', hourly: 'گھنٹے کے حساب سے', salary: 'سالانہ تنخواہ', ageQuestion: 'آپ کی عمر کتنی ہے؟', bye: 'خدا حافظ۔' } },
};

const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type));
const buttons = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'choices' ? r.choices.map((c) => c.value) : []));

describe('answer understanding in the engine', () => {
  let t: TestDb;
  let send: Awaited<ReturnType<typeof engineOn>>['send'];
  let engine: Awaited<ReturnType<typeof engineOn>>['engine'];
  beforeAll(async () => {
    t = await createTestDb();
    const dirs = flowDir({ 'main.flow.yaml': flow });
    // English and Urdu only: this flow's own wording is written in those two.
    for (const lng of readdirSync(dirs.localesDir)) if (!(lng in words)) rmSync(path.join(dirs.localesDir, lng), { recursive: true });
    for (const [lng, tree] of Object.entries(words)) writeFileSync(path.join(dirs.localesDir, lng, 't.json'), JSON.stringify(tree));
    ({ send, engine } = await engineOn(t.db, dirs));
  });
  afterAll(async () => t.close());

  it('"not sure" shows the question\'s own help, the question again, and a person to talk to', async () => {
    await send('c-help', 'hi');
    const out = (await send('c-help', "I don't know")).replies;
    expect(texts(out)).toEqual(['Some jobs pay by the hour, some by the year.\n\nHow would you like to be paid?']);
    expect(buttons(out)).toEqual(['hourly', 'salary', 'cmd:person']);
  });

  it('greetings and thanks are re-asked kindly and never count as failed tries', async () => {
    await send('c-tries', 'hi');
    for (const text of ['hello', 'thanks', 'ok', 'hi there']) {
      const out = (await send('c-tries', text)).replies;
      expect(texts(out)[0]).toMatch(/How would you like to be paid\?$/);
      expect(texts(out)[0]).not.toMatch(/did not understand/);
    }
    // Two answers that do not fit are still two tries of three: no offer of a person yet.
    await send('c-tries', 'purple');
    expect(buttons((await send('c-tries', 'green')).replies)).toEqual(['hourly', 'salary']);
    expect(texts((await send('c-tries', 'by the hour please')).replies)).toEqual(['How old are you?']);
  });

  it('after the end, "thanks" is answered and "start again" starts again', async () => {
    await send('c-end', 'hi');
    await send('c-end', '2');
    expect(texts((await send('c-end', '40')).replies)).toEqual(['Goodbye.']);
    const thanks = (await send('c-end', 'thank you')).replies;
    expect(texts(thanks)).toEqual(['You are welcome. Good luck! Say hello at any time if you need me again.']);
    expect(buttons(thanks)).toEqual(['cmd:restart']);
    expect(texts((await send('c-end', undefined, 'cmd:restart')).replies)).toEqual(['How would you like to be paid?']);
  });

  it('understands Urdu number words with the conversation in Urdu', async () => {
    let n = 0;
    const inUrdu = (text: string) =>
      engine.handleTurn({ conversationId: 'c-ur', channel: 'test', activityId: `ur${++n}`, user: { id: 'u' }, text, locale: 'ur', receivedAt: new Date() });
    await inUrdu('سلام');
    const out = (await inUrdu('پتہ نہیں')).replies;
    expect(texts(out)).toEqual(['کچھ نوکریاں گھنٹے کے حساب سے، کچھ سال کے حساب سے۔\n\nآپ کو تنخواہ کیسے چاہیے؟']);
    expect(texts((await inUrdu('دوسرا')).replies)).toEqual(['آپ کی عمر کتنی ہے؟']);
  });
});
