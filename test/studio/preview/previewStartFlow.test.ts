/**
 * Issue 13, review item 5: "save as a flow test" follows the configured start flow (START_FLOW),
 * not a hard-coded "main": a preview of the start flow can be saved, one of another flow cannot.
 * (The flow test runner, src/flows/flowTest.ts, still starts its engine on "main" whatever START_FLOW says.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { startPreviewServer, type PreviewServer } from './previewHarness.ts';

type Started = { id: string };

describe('saving a preview as a flow test with another START_FLOW', () => {
  let t: TestDb;
  let preview: PreviewServer;
  beforeAll(async () => {
    t = await createTestDb();
    preview = await startPreviewServer(t.db, { startFlow: 'welcome' });
    // A second top-level flow, the one new conversations start with here: the shipped journey under another id.
    const main = preview.draft.files['flows/main.flow.yaml']!;
    preview.draft.files = { ...preview.draft.files, 'flows/welcome.flow.yaml': main.replace(/^id: main$/m, 'id: welcome') };
  });
  afterAll(async () => {
    await preview?.close();
    await t?.close();
  });

  const saveAfterOneMessage = async (start: Record<string, unknown>) => {
    const started = await preview.api<Started>('POST', '/studio/api/preview', start);
    expect(started.status).toBe(201);
    await preview.api('POST', `/studio/api/preview/${started.body.id}/activities`, { type: 'message', text: '19' });
    return preview.api<{ path?: string; error?: { message: string } }>('POST', `/studio/api/preview/${started.body.id}/flow-test`, { name: 'From the start flow' });
  };

  it('a preview of the configured start flow is saved as a test', async () => {
    const saved = await saveAfterOneMessage({});
    expect(saved.body.error?.message).toBeUndefined();
    expect(saved.status).toBe(200);
    expect(saved.body.path).toBe('flows/tests/from-the-start-flow.test.yaml');
  });

  it('a preview of another flow ("main" here) is refused, naming the start flow', async () => {
    const refused = await saveAfterOneMessage({ flow: 'main' });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.message).toBe('flow tests start the welcome flow: this preview started main');
  });
});
