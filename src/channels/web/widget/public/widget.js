/*
 * Anchorline chat launcher (GET /widget.js). Partners paste:
 *   <script src="https://anchorline.example/widget.js" data-language="en" async></script>
 * Optional attributes:
 *   data-language  the chat's language, a code from src/languages.ts (en, ur, pa, bn, ar, ro, pl, so;
 *                  `ar-SA` counts as ar, `pa-Arab`/`pa-PK` as ur); data-locale is the older name and is read too. Without
 *                  either: the page's <html lang>, else the browser's language, else English.
 *                  A language the resident picked in the widget's menu wins on later pages, until
 *                  a page asks for another language.
 *   data-open="true"  opens the chat on page load.
 *   data-referral  a community partner's referral code (letters and digits, 4 to 20), so the
 *                  network can count the residents that route brings in; without it, `?ref=CODE`
 *                  in the page's address. Kept in sessionStorage for the site's later pages and
 *                  sent once, when a conversation starts (in /tokens/generate's body); the server
 *                  ignores a code it does not know. A malformed code is ignored and the chat works.
 * It loads Microsoft's Web Chat and the fonts (Noto Nastaliq Urdu, Noto Naskh Arabic, Noto Sans
 * Bengali, Noto Sans Gurmukhi) from the same server (no CDN), keeps the conversation across page
 * loads in sessionStorage, and lays the chat out right to left for Urdu and Arabic.
 * The server prepends `var ANCHORLINE = {...}`: the partner's name, colours, paths, the languages
 * offered (direction, font, Web Chat locale) and the widget's wording per language (locales/<lng>/widget.json).
 */
(() => {
  'use strict';
  /* global ANCHORLINE */
  const config = ANCHORLINE;
  const script = document.currentScript;
  const origin = new URL(script ? script.src : config.widgetPath, location.href).origin;
  const data = (script && script.dataset) || {};
  const STORE_KEY = 'anchorline.webchat.v1';
  const LOCALE_KEY = 'anchorline.locale';
  const OPEN_KEY = 'anchorline.open';
  const REFERRAL_KEY = 'anchorline.referral';

  if (window.anchorlineWidgetLoaded) return;
  window.anchorlineWidgetLoaded = true;

  // Helpers stay inside the IIFE: a classic script's top level would leak them onto the partner's page.
  // oxlint-disable-next-line unicorn/consistent-function-scoping
  const lang = (locale) => {
    const tag = String(locale || '').toLowerCase();
    // Panjabi in Shahmukhi (pa-Arab, pa-PK) is answered in Urdu: the server's table (src/languages.ts).
    const alias = Object.keys(config.aliases || {}).find((a) => tag === a || tag.startsWith(`${a}-`));
    return alias ? config.aliases[alias] : tag.split('-')[0];
  };
  const languageOf = (locale) => config.languages.find((l) => l.code === lang(locale)) || null;
  const supported = (locale) => languageOf(locale)?.code ?? null;
  const SYSTEM_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  // The web fonts declare only their own script's ranges, so each character finds its font in one
  // stack: the language's own first (Nastaliq before Naskh for Urdu), Latin text the system font.
  const WEB_FONTS = [...new Set(config.languages.map((l) => l.font).filter(Boolean))];
  const fontStack = (language) =>
    [...new Set([language.font, ...WEB_FONTS].filter(Boolean))].map((f) => `"${f}"`).concat(SYSTEM_FONT).join(', ');

  function read(key) {
    try {
      return JSON.parse(window.sessionStorage.getItem(key) || 'null');
    } catch {
      return null;
    }
  }
  function write(key, value) {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Storage blocked or full: the chat still works for this page.
    }
  }

  // What this page asks for; a choice the resident made in the menu wins while pages ask the same.
  const asked = supported(data.language) || supported(data.locale) || supported(document.documentElement.lang);
  const stored = read(LOCALE_KEY);
  const chosen = stored && typeof stored === 'object' && (stored.asked ?? null) === asked ? supported(stored.code) : null;
  let locale = chosen || asked || supported(navigator.language) || config.fallback;
  let language = languageOf(locale);
  let dir = language.dir;
  // The route the resident came by: this page's attribute, else its `?ref=`, else an earlier page's.
  // oxlint-disable-next-line unicorn/consistent-function-scoping
  const referralCode = (v) => (typeof v === 'string' && /^[A-Za-z0-9]{4,20}$/.test(v.trim()) ? v.trim().toUpperCase() : null);
  let pageRef = null;
  try {
    pageRef = new URL(location.href).searchParams.get('ref');
  } catch {
    // An address URL cannot read: no code from it.
  }
  const referral = referralCode(data.referral) || referralCode(pageRef) || referralCode(read(REFERRAL_KEY));
  if (referral) write(REFERRAL_KEY, referral);
  let directLine = null;
  let store = null;
  let loading = null;
  let started = null;

  /* ---- DOM ---- */
  const css = `
.anchorline-root{--al-accent:${config.colour};--al-on-accent:${config.onColour};font-family:var(--al-font);}
.anchorline-root[data-line-height] .webchat__bubble__content,.anchorline-root[data-line-height] .webchat__suggested-action,.anchorline-root[data-line-height] .webchat__send-box-text-box__input{line-height:var(--al-line-height);}
.anchorline-root .webchat__bubble__content,.anchorline-root .webchat__suggested-action,.anchorline-root .webchat__send-box,.anchorline-root .webchat__send-box-text-box__input{font-family:var(--al-font);}
.anchorline-root .webchat__text-content,.anchorline-root .webchat__render-markdown p,.anchorline-root .webchat__render-markdown li,.anchorline-root .webchat__suggested-action__text{unicode-bidi:plaintext;text-align:start;}
.anchorline-launcher{position:fixed;inset-block-end:20px;inset-inline-end:20px;z-index:2147483000;min-height:48px;padding:12px 20px;border:2px solid var(--al-on-accent);border-radius:24px;background:var(--al-accent);color:var(--al-on-accent);font:inherit;font-size:1rem;font-weight:600;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3);}
.anchorline-launcher:focus-visible,.anchorline-close:focus-visible,.anchorline-lang:focus-visible{outline:3px solid #ffbf47;outline-offset:2px;}
.anchorline-panel{position:fixed;inset-block-end:84px;inset-inline-end:20px;z-index:2147483001;display:flex;flex-direction:column;width:min(400px,calc(100vw - 40px));height:min(640px,calc(100vh - 110px));background:#fff;color:#1a1a1a;border:1px solid #6f777b;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.3);overflow:hidden;}
.anchorline-panel[hidden]{display:none;}
.anchorline-head{display:flex;align-items:center;gap:8px;padding:8px 12px;background:var(--al-accent);color:var(--al-on-accent);}
.anchorline-title{flex:1;margin:0;font-size:1rem;font-weight:700;}
.anchorline-head label{font-size:.875rem;}
.anchorline-lang{min-height:32px;font:inherit;font-size:.875rem;border-radius:4px;border:1px solid #0b0c0c;background:#fff;color:#0b0c0c;}
.anchorline-close{min-width:44px;min-height:44px;border:0;border-radius:4px;background:transparent;color:inherit;font-size:1.5rem;line-height:1;cursor:pointer;}
.anchorline-chat{flex:1;min-height:0;}
.anchorline-status{padding:12px;margin:0;}
@media (max-width:600px){.anchorline-panel{inset:0;width:100%;height:100%;border-radius:0;border:0;}}`;

  // oxlint-disable-next-line unicorn/consistent-function-scoping
  const el = (tag, props = {}, attrs = {}) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };

  const root = el('div', { className: 'anchorline-root' }, { lang: locale, dir });
  root.append(el('style', { textContent: css }));
  const words = () => config.strings[locale] || config.strings[config.fallback];
  const launcher = el(
    'button',
    { type: 'button', className: 'anchorline-launcher' },
    { 'aria-expanded': 'false', 'aria-controls': 'anchorline-panel' },
  );
  const panel = el(
    'section',
    { id: 'anchorline-panel', className: 'anchorline-panel', hidden: true },
    { role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'anchorline-title' },
  );
  const head = el('div', { className: 'anchorline-head' });
  const select = el('select', { id: 'anchorline-lang', className: 'anchorline-lang' });
  for (const l of config.languages) select.append(el('option', { value: l.code, textContent: l.label, lang: l.code, dir: l.dir }));
  select.value = locale;
  const closeButton = el('button', { type: 'button', className: 'anchorline-close', textContent: '\u00d7' });
  const title = el('h2', { id: 'anchorline-title', className: 'anchorline-title' });
  const langLabel = el('label', {}, { for: 'anchorline-lang' });
  // One language offered: no menu to choose from.
  if (config.languages.length > 1) head.append(title, langLabel, select, closeButton);
  else head.append(title, closeButton);
  const chat = el('div', { className: 'anchorline-chat' });
  const status = el('p', { className: 'anchorline-status' }, { role: 'status' });
  chat.append(status);
  panel.append(head, chat);
  root.append(panel, launcher);

  /** The widget's own wording and direction follow the chosen language. */
  function applyLanguage() {
    const w = words();
    launcher.textContent = w.launcher;
    // A replacer function: a partner name with "$&" or "$1" is put in as written.
    title.textContent = w.title.replace('{partner}', () => config.partnerName);
    langLabel.textContent = w.language;
    closeButton.setAttribute('aria-label', w.close);
    root.setAttribute('lang', locale);
    root.setAttribute('dir', dir);
    root.style.setProperty('--al-font', fontStack(language));
    // Fetch the language's font now, not when the first message needs it (fewer boxes while it arrives).
    if (language.font) document.fonts?.load(`1em "${language.font}"`, language.label).catch(() => undefined);
    if (language.lineHeight) {
      root.style.setProperty('--al-line-height', String(language.lineHeight));
      root.setAttribute('data-line-height', '');
    } else {
      root.style.removeProperty('--al-line-height');
      root.removeAttribute('data-line-height');
    }
  }
  applyLanguage();

  /* ---- Web Chat ---- */
  function loadWebChat() {
    if (window.WebChat) return Promise.resolve();
    loading ??= new Promise((resolve, reject) => {
      const s = el('script', { src: origin + config.webchatPath, async: true });
      s.addEventListener('load', () => resolve());
      s.addEventListener('error', () => {
        loading = null;
        reject(new Error('Web Chat failed to load'));
      });
      document.head.append(s);
    });
    return loading;
  }

  function saveSession() {
    if (!directLine || !directLine.conversationId) return;
    const saved = read(STORE_KEY) || {};
    const token = directLine.token || saved.token;
    // directlinejs refreshes the token every 15 minutes; keep the newest for the next page.
    const expiresAt = token === saved.token ? saved.expiresAt : Date.now() + config.tokenTtlSeconds * 1000;
    write(STORE_KEY, { conversationId: directLine.conversationId, token, expiresAt });
  }

  // directlinejs ConnectionStatus: ExpiredToken, FailedToConnect, Ended.
  const UNUSABLE = new Set([3, 4, 5]);

  /** A stored conversation the server no longer accepts (new signing key, data erased): start afresh. */
  function watchResumed(dl) {
    let settled = false;
    const sub = dl.connectionStatus$.subscribe((s) => {
      if (settled || (s !== 2 && !UNUSABLE.has(s))) return;
      settled = true;
      setTimeout(() => sub.unsubscribe(), 0);
      if (s === 2) return;
      write(STORE_KEY, null);
      setTimeout(() => {
        dl.end();
        void restart();
      }, 0);
    });
  }

  async function restart() {
    try {
      await connect();
      store = window.WebChat.createStore({}, middleware);
      render();
    } catch {
      status.textContent = words().unavailable;
      chat.prepend(status);
    }
  }

  async function connect() {
    const saved = read(STORE_KEY);
    const domain = origin + config.directLinePath;
    if (saved && saved.token && saved.conversationId && saved.expiresAt > Date.now() + 60_000) {
      // Reconnect without a watermark: the stream replays the whole transcript after a reload.
      directLine = window.WebChat.createDirectLine({ domain, token: saved.token, conversationId: saved.conversationId, webSocket: true });
      watchResumed(directLine);
      return;
    }
    const body = JSON.stringify(referral ? { referral } : {});
    const res = await fetch(`${domain}/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (!res.ok) throw new Error(`token ${res.status}`);
    const t = await res.json();
    write(STORE_KEY, { conversationId: t.conversationId, token: t.token, expiresAt: Date.now() + t.expires_in * 1000 });
    directLine = window.WebChat.createDirectLine({ domain, token: t.token, webSocket: true, conversationStartProperties: { locale } });
  }

  function render() {
    window.WebChat.renderWebChat(
      {
        directLine,
        store,
        // Web Chat's own strings: its bundle where it has the language, else ours (widget.json's `webchat`).
        locale: language.webchatLocale,
        dir,
        overrideLocalizedStrings: words().webchat || {},
        styleOptions: {
          accent: config.colour,
          bubbleFromUserBackground: config.colour,
          bubbleFromUserTextColor: config.onColour,
          // Stacked and wrapped: long answers ("I work in hospitality (pubs, hotels, …)") stay readable.
          suggestedActionLayout: 'stacked',
          suggestedActionsStackedLayoutButtonTextWrap: true,
          suggestedActionsStackedHeight: 240,
          suggestedActionsStackedOverflow: 'scroll',
          hideUploadButton: true,
          sendBoxButtonColor: config.colour,
          rootHeight: '100%',
          primaryFont: fontStack(language),
        },
      },
      chat,
    );
  }

  function setLocale(next, byResident) {
    const code = supported(next);
    if (!code) return;
    const changed = code !== locale;
    locale = code;
    language = languageOf(code);
    dir = language.dir;
    select.value = code;
    write(LOCALE_KEY, { code, asked });
    applyLanguage();
    if (!changed || !directLine) return;
    render();
    // Tell the bot too, as its own language buttons do (value lang:<code>), so it answers in the new language.
    if (byResident && store) {
      const label = config.languages.find((l) => l.code === code).label;
      store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE_BACK', payload: { text: label, displayText: label, value: `lang:${code}` } });
    }
  }

  // A number in groups ("0800 123 4567", "116 123") inside right-to-left text: the bidi algorithm
  // would draw its groups in reverse order, so each is isolated left to right (U+2066 … U+2069).
  const RTL_TEXT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
  // Not inside a word: a postcode's "5 7" (B5 7RN) is left alone.
  const GROUPED_NUMBER = /(?<![\p{L}\p{N}])\+?\d+(?:[ \u00a0-]\d+)+(?![\p{L}\p{N}])/gu;
  // oxlint-disable-next-line unicorn/consistent-function-scoping
  const isolateNumbers = (text) => (typeof text === 'string' && RTL_TEXT.test(text) ? text.replace(GROUPED_NUMBER, '\u2066$&\u2069') : text);

  // Watches the conversation: remembers it, follows the bot when the resident changes language in
  // the chat, and keeps numbers in right-to-left messages readable.
  const middleware = () => (next) => (action) => {
    if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') setTimeout(saveSession, 0);
    if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
      const a = action.payload.activity;
      if (a?.from?.role === 'bot' && a.locale && lang(a.locale) !== locale && supported(a.locale)) setTimeout(() => setLocale(a.locale, false), 0);
      const text = isolateNumbers(a?.text);
      if (text !== a?.text) return next({ ...action, payload: { ...action.payload, activity: { ...a, text } } });
    }
    return next(action);
  };

  async function start() {
    status.textContent = words().connecting;
    try {
      await loadWebChat();
      await connect();
      store = window.WebChat.createStore({}, middleware);
      status.remove();
      render();
      setInterval(saveSession, 60_000);
      window.addEventListener('pagehide', saveSession);
    } catch {
      status.textContent = words().unavailable;
    }
  }

  function focusSendBox(tries = 0) {
    const input = chat.querySelector('[data-id="webchat-sendbox-input"], input[type="text"], textarea');
    if (input) input.focus();
    else if (tries < 50) setTimeout(() => focusSendBox(tries + 1), 100);
  }
  async function open(byResident) {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    started ??= start();
    await started;
    // Focus moves into the chat only when the resident opened it, never on page load.
    if (byResident) focusSendBox();
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }

  launcher.addEventListener('click', () => (panel.hidden ? open(true) : close()));
  closeButton.addEventListener('click', close);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  select.addEventListener('change', () => setLocale(select.value, true));
  window.addEventListener('pagehide', () => write(OPEN_KEY, !panel.hidden));

  function mount() {
    if (!document.querySelector('link[data-anchorline-fonts]')) {
      document.head.append(el('link', { rel: 'stylesheet', href: origin + config.fontsPath }, { 'data-anchorline-fonts': '' }));
    }
    document.body.append(root);
    if (data.open === 'true' || (read(STORE_KEY) && read(OPEN_KEY))) void open(false);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
