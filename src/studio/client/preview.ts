/**
 * The studio's preview page in the browser: the form that starts a preview of the draft, and a
 * small Direct-Line-shaped object that Web Chat (botframework-webchat's `renderWebChat`) talks to
 * instead of Direct Line. Web Chat needs `activity$`, `connectionStatus$`, `postActivity` and
 * `end`; it waits for its own activity to come back on `activity$` with an id (the echo Direct Line
 * sends) before showing it as sent, so the echo is emitted here.
 */

type Activity = Record<string, unknown> & { type: string; id?: string; channelData?: Record<string, unknown> };
interface Observer<T> {
  next?: (v: T) => void;
  error?: (e: unknown) => void;
  complete?: () => void;
}

/** The least of an Observable Web Chat subscribes to: `subscribe(observer | next)` → `{ unsubscribe }`. */
class Stream<T> {
  readonly #observers = new Set<Observer<T>>();
  #last: { value: T } | undefined;

  constructor(readonly replay = false) {}

  subscribe(o: Observer<T> | ((v: T) => void), error?: (e: unknown) => void, complete?: () => void) {
    const observer: Observer<T> = typeof o === 'function' ? { next: o, ...(error ? { error } : {}), ...(complete ? { complete } : {}) } : o;
    this.#observers.add(observer);
    if (this.replay && this.#last) observer.next?.(this.#last.value);
    return { unsubscribe: () => void this.#observers.delete(observer), closed: false };
  }

  next(v: T): void {
    this.#last = { value: v };
    // A copy: an observer may unsubscribe while being told.
    for (const o of Array.from(this.#observers)) o.next?.(v);
  }

  complete(): void {
    for (const o of Array.from(this.#observers)) o.complete?.();
    this.#observers.clear();
  }
}

/** An Observable of one value (or one error), as `postActivity` returns. */
function once<T>(p: Promise<T>): { subscribe(o: Observer<T> | ((v: T) => void)): { unsubscribe(): void } } {
  return {
    subscribe(o) {
      const observer: Observer<T> = typeof o === 'function' ? { next: o } : o;
      let open = true;
      p.then(
        (v) => {
          if (!open) return;
          observer.next?.(v);
          observer.complete?.();
        },
        (e: unknown) => open && observer.error?.(e),
      );
      return { unsubscribe: () => void (open = false) };
    },
  };
}

// Web Chat's ConnectionStatus: Uninitialized 0, Connecting 1, Online 2, ExpiredToken 3, FailedToConnect 4, Ended 5.
const ONLINE = 2;
const ENDED = 5;

const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
const status = document.getElementById('preview-status');

function say(message: string, error = false): void {
  if (!status) return;
  status.textContent = message;
  status.classList.toggle('error', error);
}

async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 204) return undefined as T;
  const json: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const message = (json as { error?: { message?: string } }).error?.message ?? `${res.status} ${res.statusText}`;
    throw new Error(message);
  }
  return json as T;
}

/** A Direct-Line-shaped connection to one preview conversation. */
function previewLine(id: string, first: Activity[]) {
  const activity$ = new Stream<Activity>();
  const connectionStatus$ = new Stream<number>(true);
  let n = 0;
  let started = false;
  const emit = (list: Activity[]) => list.forEach((a) => activity$.next(a));
  return {
    activity$: {
      subscribe(o: Observer<Activity> | ((v: Activity) => void)) {
        const sub = activity$.subscribe(o);
        // Web Chat subscribes first, then the greeting arrives, as from Direct Line's stream.
        if (!started) {
          started = true;
          setTimeout(() => emit(first), 0);
        }
        return sub;
      },
    },
    connectionStatus$,
    postActivity(activity: Activity) {
      const echoId = `${id}|in${++n}`;
      // Web Chat orders by timestamp: the message is stamped when sent, its replies just after it.
      const at = Date.now();
      const sent = (async () => {
        if (activity.type !== 'message') return echoId;
        const reply = await api<{ activities: Activity[] }>('POST', `/studio/api/preview/${encodeURIComponent(id)}/activities`, {
          type: 'message',
          ...(typeof activity.text === 'string' ? { text: activity.text } : {}),
          ...(activity.value !== undefined ? { value: activity.value } : {}),
          channelData: { clientActivityID: activity.channelData?.clientActivityID },
        });
        // Direct Line's echo of the user's own message, then the draft's replies.
        activity$.next({ ...activity, id: echoId, timestamp: new Date(at).toISOString() });
        emit(reply.activities.map((a, i) => ({ ...a, timestamp: new Date(at + i + 1).toISOString() })));
        return echoId;
      })();
      sent.catch((e: unknown) => say(`The message did not go through: ${e instanceof Error ? e.message : String(e)}`, true));
      return once(sent);
    },
    end() {
      connectionStatus$.next(ENDED);
      activity$.complete();
    },
    start() {
      connectionStatus$.next(ONLINE);
    },
  };
}

interface WebChatGlobal {
  renderWebChat(props: Record<string, unknown>, element: HTMLElement): void;
  createStyleSet?: (o: Record<string, unknown>) => unknown;
}

let current: { id: string; line: ReturnType<typeof previewLine> } | undefined;

function answersOf(form: HTMLFormElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of form.querySelectorAll<HTMLElement>('.answer-row')) {
    const name = row.querySelector<HTMLInputElement>('input[name="answerName"]')?.value.trim();
    const raw = row.querySelector<HTMLInputElement>('input[name="answerValue"]')?.value.trim() ?? '';
    if (!name) continue;
    const one = (v: string): unknown => (v === 'true' ? true : v === 'false' ? false : v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
    out[name] = raw.includes(',') ? raw.split(',').map((v) => one(v.trim())) : one(raw);
  }
  return out;
}

let rows = 0;
function addAnswerRow(container: HTMLElement): void {
  const i = ++rows;
  const row = document.createElement('div');
  row.className = 'answer-row';
  row.innerHTML = `<div><label for="answer-name-${i}">Answer name</label><input id="answer-name-${i}" name="answerName" type="text" autocomplete="off"></div>
<div><label for="answer-value-${i}">Value</label><input id="answer-value-${i}" name="answerValue" type="text" autocomplete="off"></div>
<button type="button" class="remove-answer">Remove<span class="visually-hidden"> answer ${i}</span></button>`;
  row.querySelector('.remove-answer')?.addEventListener('click', () => row.remove());
  container.append(row);
  row.querySelector<HTMLInputElement>('input')?.focus();
}

function filterSteps(flowSelect: HTMLSelectElement, stepSelect: HTMLSelectElement): void {
  for (const group of stepSelect.querySelectorAll<HTMLOptGroupElement>('optgroup')) {
    const shown = group.dataset['flow'] === flowSelect.value;
    group.hidden = !shown;
    group.disabled = !shown;
  }
  if (stepSelect.selectedOptions[0]?.parentElement instanceof HTMLOptGroupElement && stepSelect.selectedOptions[0].parentElement.disabled) stepSelect.value = '';
}

async function start(form: HTMLFormElement): Promise<void> {
  const webchat = (window as unknown as { WebChat?: WebChatGlobal }).WebChat;
  const panel = document.getElementById('webchat');
  if (!webchat || !panel) return say('Web Chat did not load; reload the page.', true);
  const data = new FormData(form);
  const step = String(data.get('step') ?? '');
  const answers = answersOf(form);
  if (current) await api('DELETE', `/studio/api/preview/${encodeURIComponent(current.id)}`).catch(() => undefined);
  current?.line.end();
  say('Starting the preview…');
  const started = await api<{ id: string; activities: Activity[] }>('POST', '/studio/api/preview', {
    flow: String(data.get('flow') ?? ''),
    locale: String(data.get('locale') ?? 'en'),
    ...(step ? { step, answers } : {}),
  });
  const line = previewLine(started.id, started.activities);
  current = { id: started.id, line };
  panel.replaceChildren();
  const target = document.createElement('div');
  target.style.height = '100%';
  panel.append(target);
  webchat.renderWebChat(
    // Residents cannot send files either (the engine refuses them politely): no upload button.
    { directLine: line, userID: 'studio-preview', locale: String(data.get('locale') ?? 'en'), styleOptions: { hideUploadButton: true } },
    target,
  );
  line.start();
  const save = document.getElementById('save-test');
  if (save instanceof HTMLButtonElement) save.disabled = Boolean(step);
  say(step ? `Preview started at ${step}.` : 'Preview started from the greeting.');
}

/** Saves the conversation so far into the draft as flows/tests/<name>.test.yaml. */
async function saveTest(): Promise<void> {
  if (!current) return say('Start a preview first.', true);
  const name = (document.getElementById('test-name') as HTMLInputElement | null)?.value.trim() ?? '';
  if (!name) return say('Give the test a name first.', true);
  const test = await api<{ path: string; text: string }>('POST', `/studio/api/preview/${encodeURIComponent(current.id)}/flow-test`, { name });
  const draft = await api<{ revision: number; files?: Record<string, string> }>('GET', '/studio/api/draft');
  // The file name comes from the test's name, so two tests named alike would share one file: a
  // test already in the draft (written by hand, or saved earlier) is replaced only when asked to.
  if (draft.files?.[test.path] !== undefined && !window.confirm(`The draft already has a flow test in ${test.path}. Replace it with this conversation?`)) {
    return say(`Not saved: the draft already has ${test.path}. Give the test another name to keep both.`, true);
  }
  // `base`: the file as read, so someone saving another file meanwhile does not refuse this save.
  await api('PUT', '/studio/api/draft/files', { revision: draft.revision, files: { [test.path]: test.text }, base: { [test.path]: draft.files?.[test.path] ?? null } });
  say(`Saved ${test.path} in the draft.`);
}

const form = document.getElementById('preview-form');
if (form instanceof HTMLFormElement) {
  const flowSelect = document.getElementById('preview-flow');
  const stepSelect = document.getElementById('preview-step');
  const rowsEl = document.getElementById('answer-rows');
  if (flowSelect instanceof HTMLSelectElement && stepSelect instanceof HTMLSelectElement) {
    filterSteps(flowSelect, stepSelect);
    flowSelect.addEventListener('change', () => filterSteps(flowSelect, stepSelect));
  }
  document.getElementById('add-answer')?.addEventListener('click', () => rowsEl && addAnswerRow(rowsEl));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    start(form).catch((err: unknown) => say(`The preview did not start: ${err instanceof Error ? err.message : String(err)}`, true));
  });
  document.getElementById('save-test')?.addEventListener('click', () => {
    saveTest().catch((err: unknown) => say(`The test was not saved: ${err instanceof Error ? err.message : String(err)}`, true));
  });
}
