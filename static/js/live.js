// The page's live connection: joins the event room, swaps server-rendered
// partials when told they changed, updates tallies, and upgrades forms marked
// data-bg to background requests that survive a dropped connection.
const slug = document.body.dataset.event;
const conn = document.getElementById("conn");
const announcer = document.getElementById("announcer");
const handlers = { changed: [], tally: [], resync: [] };
const OUTBOX = "barcamp-outbox";
// A copy this phone kept, shown by the service worker because the network did not answer.
const kept = document.body.dataset.copy === "kept";

export function on(kind, fn) { handlers[kind].push(fn); }

export function announce(text) {
  // One polite live region, rewritten at most every 2 s, so screen readers are not flooded.
  if (!announcer || announce.busy) { announce.pending = text; return; }
  announcer.textContent = text;
  announce.busy = true;
  setTimeout(() => { announce.busy = false; if (announce.pending) { const t = announce.pending; announce.pending = null; announce(t); } }, 2000);
}

function status(text) {
  if (!conn) return;
  if (kept && !document.body.dataset.live && text) text = conn.dataset.kept; // "offline · as of 10:42" until connected
  conn.textContent = text || "";
  conn.hidden = !text;
}

const refreshing = new Map();
const wanted = new Map(); // partial -> the freshest query asked for while its reload waits
const atOf = (query) => (query.startsWith("at=") ? Number(query.slice(3)) : 0);
const fresher = (a, b) => (a === "fresh=1" || b === "fresh=1" ? "fresh=1" : atOf(a) >= atOf(b) ? a : b);
const asked = new Map(); // partial -> number of the newest reload started
const shown = new WeakMap(); // element -> number of the reload it shows
const itemAfter = new WeakMap(); // element -> newest reload started before a pushed item changed it
export function refresh(what, delay = 0, query = "") {
  // Coalesce reloads of the same partial, and spread them a little over time.
  // `query` is "at=<time of the change>" (served from the server's shared render
  // cache) or "fresh=1" after a reconnect. A reload that waits takes the freshest query asked
  // for meanwhile: a render cached before a later change must not answer for it.
  wanted.set(what, fresher(wanted.get(what) || "", query));
  if (refreshing.has(what)) return;
  refreshing.set(what, setTimeout(async () => {
    refreshing.delete(what);
    const freshest = wanted.get(what) || "";
    wanted.delete(what);
    const n = (asked.get(what) || 0) + 1;
    asked.set(what, n);
    for (const el of document.querySelectorAll(`[data-live="${what}"]`)) {
      const base = el.dataset.src || (document.body.dataset.liveUrl || "").replace("__name__", what);
      const src = freshest ? `${base}${base.includes("?") ? "&" : "?"}${freshest}` : base;
      try {
        const res = await fetch(src, { headers: { Accept: "text/html" }, credentials: "same-origin" });
        if (res.status >= 500) { retryLater(what); continue; } // the server failed or was busy: try again
        if (!res.ok) continue;
        const html = await res.text();
        // Reloads can overlap on a slow network; an answer to an older one must not
        // overwrite a newer one that came back first.
        if ((shown.get(el) || 0) > n) continue;
        shown.set(el, n);
        retries.delete(what);
        if (!sameAs(el, html)) {
          el.innerHTML = html;
          el.dispatchEvent(new CustomEvent("live:updated", { bubbles: true, detail: { what } }));
        }
        // This answer may predate an item pushed while it was on its way: ask again.
        if (n <= (itemAfter.get(el) || 0)) { itemAfter.delete(el); refresh(what, 0, "fresh=1"); }
      } catch (e) { /* offline: the resync after reconnect catches up */ }
    }
  }, delay));
}

// Is ``html`` what ``el`` already shows? Both serialized by the browser, and without what differs
// between two renders of the same state (a fresh CSRF token, a countdown's seconds): an answer
// that changes nothing leaves the element alone, with whatever someone is typing or ticking in it.
const stable = (html) => html
  .replace(/(name="csrf_token" value=")[^"]*"/g, '$1"')
  .replace(/(data-countdown=")\d+("[^>]*>)[^<]*/g, "$1$2");
function sameAs(el, html) {
  const parsed = document.createElement("template");
  parsed.innerHTML = html;
  return stable(parsed.innerHTML) === stable(el.innerHTML);
}

const retries = new Map(); // partial -> failed reloads in a row
function retryLater(what) {
  const n = (retries.get(what) || 0) + 1;
  retries.set(what, n);
  if (n <= 4) refresh(what, 1000 * 2 ** n + Math.random() * 1000, "fresh=1");
  else retries.delete(what);
}

function refreshAll() {
  // After a reconnect many phones resync at once: spread them over a few seconds.
  const names = new Set([...document.querySelectorAll("[data-live]")].map((el) => el.dataset.live));
  names.forEach((n) => refresh(n, Math.random() * 3000, "fresh=1"));
}

function applyItem(msg) {
  // A change to one item that carries its HTML (or says it is gone): swap it in place,
  // no fetch. Anything this cannot place falls back to reloading the whole partial.
  if (!msg.item && !msg.gone) return false;
  for (const el of document.querySelectorAll(`[data-live="${msg.what}"]`)) {
    const old = document.getElementById(msg.item || msg.gone);
    if (old && !el.contains(old)) return false;
    if (msg.gone) {
      if (old) old.remove();
      if (!el.querySelector("[id]")) return false; // the last one: let the server say "nothing here yet"
    } else {
      const html = msg.html[document.documentElement.lang] || msg.html.en;
      const tpl = document.createElement("template");
      tpl.innerHTML = html.trim();
      if (old) old.replaceWith(tpl.content);
      else if (el.querySelector(".empty")) return false;
      else {
        // A new item from someone else: marked as new (the list's data-arrived-label says how).
        const node = tpl.content.firstElementChild;
        if (node && el.dataset.arrivedLabel) node.dataset.arrived = el.dataset.arrivedLabel;
        el.append(tpl.content);
      }
    }
    itemAfter.set(el, asked.get(msg.what) || 0);
    el.dispatchEvent(new CustomEvent("live:updated", { bubbles: true, detail: { what: msg.what } }));
  }
  return true;
}

export function applyTally(kind, counts) {
  for (const el of document.querySelectorAll(`[data-tally="${kind}"]`)) {
    const n = counts[el.dataset.id];
    el.textContent = n === undefined ? "0" : String(n);
  }
}

// --- background forms with an offline outbox --------------------------------
// One outbox per phone (localStorage, shared by its tabs). One tab at a time sends it (a Web
// Lock), oldest first, and removes each item by its own id once the server answered, so a vote
// toggled on/off/on offline ends in the last state, whichever tabs were open. Every tab hears
// what was sent (a BroadcastChannel), so a form waiting in one tab learns its result.
export function csrf() { const m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }

function loadOutbox() { try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; } }
function saveOutbox(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); }
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);
const sentChannel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(OUTBOX);

export async function post(action, fields) {
  // A POST the way our forms send it in the background: the CSRF token in a header, JSON back.
  const res = await fetch(action, {
    method: "POST", body: new URLSearchParams(fields), credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrf() },
  });
  let data = {};
  try { data = await res.json(); } catch (e) { /* non-JSON error page */ }
  return { ok: res.ok, status: res.status, data };
}

function sent(item, result) {
  document.dispatchEvent(new CustomEvent("bg:sent", { detail: { item, result } }));
  if (result.data.message) toast(result.data.message);
}
if (sentChannel) sentChannel.onmessage = (ev) => { sent(ev.data.item, ev.data.result); showWaiting(); };

const retryable = (status) => status === 429 || status >= 500;
let retryTimer;
async function sendOutbox() {
  for (let item = loadOutbox()[0]; item; item = loadOutbox()[0]) {
    let result;
    try { result = await post(item.action, item.fields); } catch (e) { status(conn && conn.dataset.offline); return; }
    if (retryable(result.status)) { // busy: keep it, in its place, and try again soon
      clearTimeout(retryTimer);
      retryTimer = setTimeout(flushOutbox, 5000 + Math.random() * 5000);
      return;
    }
    saveOutbox(loadOutbox().filter((i) => i.id !== item.id));
    sent(item, result);
    showWaiting();
    if (sentChannel) sentChannel.postMessage({ item, result });
  }
}

export function flushOutbox() {
  return navigator.locks ? navigator.locks.request(OUTBOX, sendOutbox) : sendOutbox();
}

export function queued() { return loadOutbox(); }

document.addEventListener("submit", async (ev) => {
  const form = ev.target;
  if (!form.matches("form[data-bg]")) return;
  ev.preventDefault();
  // The CSRF token travels in a header (partials swapped in live carry none).
  const fields = [...new FormData(form).entries()].filter(([k, v]) => typeof v === "string" && k !== "csrf_token");
  if (ev.submitter && ev.submitter.name) fields.push([ev.submitter.name, ev.submitter.value]);
  const item = { id: newId(), action: form.action, fields };
  form.dispatchEvent(new CustomEvent("bg:optimistic", { bubbles: true, detail: { item } }));
  // A live reload can replace the form while it is on its way: then the answer goes to the
  // part of the page the form was in, so its message and follow-up are not lost.
  const home = form.closest("[data-live]");
  const target = () => (form.isConnected ? form : home && home.isConnected ? home : document.body);
  const errorBox = form.querySelector("[data-error]");
  const wait = (offline) => {
    saveOutbox([...loadOutbox(), item]);
    showWaiting();
    target().dispatchEvent(new CustomEvent("bg:queued", { bubbles: true, detail: { item, offline } }));
    if (offline) status(conn && conn.dataset.offline);
  };
  // Older actions still wait to be sent: this one goes after them, never before.
  if (loadOutbox().length) { wait(false); flushOutbox(); return; }
  try {
    const r = await post(item.action, item.fields);
    if (retryable(r.status) && r.status !== 429) { wait(false); flushOutbox(); return; }
    if (errorBox) errorBox.textContent = r.ok ? "" : (r.data.error || "");
    target().dispatchEvent(new CustomEvent("bg:done", { bubbles: true, detail: { item, result: r } }));
  } catch (e) {
    wait(true); // no connection: keep it, send it when we are back. Actions are idempotent server-side.
  }
});

// --- what waits to be sent, shown where it will appear ------------------------------
// A list marked data-waiting="<form action>" shows this phone's outbox items for that action
// ("my pitches", "your questions"), each made from the list's <template>, with the text of the
// field data-field names in its [data-text]. A list inside a live part is filled again after
// each reload; a box around it (data-waiting-box) shows while it has anything in it.
export const samePath = (a, b) => new URL(a, location.href).pathname === new URL(b, location.href).pathname;
export function showWaiting() {
  const items = loadOutbox();
  for (const list of document.querySelectorAll("[data-waiting]")) {
    const tpl = list.querySelector("template");
    for (const el of list.querySelectorAll("[data-waiting-item]")) el.remove();
    for (const item of items.filter((i) => samePath(i.action, list.dataset.waiting))) {
      const el = tpl.content.firstElementChild.cloneNode(true);
      const field = item.fields.find(([k]) => k === list.dataset.field);
      el.dataset.waitingItem = item.id;
      el.querySelector("[data-text]").textContent = field ? field[1] : "";
      list.append(el);
    }
    const box = list.closest("[data-waiting-box]");
    if (box) box.hidden = !box.querySelector("li");
  }
}
window.addEventListener("storage", (ev) => { if (ev.key === OUTBOX) showWaiting(); }); // another tab queued or sent
document.addEventListener("live:updated", showWaiting);
showWaiting();

// --- visible confirmations ---------------------------------------------------------
const toastBox = document.getElementById("toast");
let toastTimer;
function hideToastLater(ms) {
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toastBox.hidden = true; }, ms);
}
export function toast(text, undo = null) {
  // A short message where the eye is (and announced: the box is a polite live region); with
  // ``undo``, an "Undo" button that takes the action back. It stays while focused or hovered.
  if (!toastBox || !text) return;
  toastBox.replaceChildren(text);
  if (undo) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "quiet toast-undo";
    button.textContent = toastBox.dataset.undo;
    button.prepend(icon("undo"));
    button.addEventListener("click", () => { toastBox.hidden = true; undo(); });
    toastBox.append(" ", button);
  }
  toastBox.hidden = false;
  hideToastLater(undo ? 8000 : 5000);
}
if (toastBox) {
  toastBox.addEventListener("focusin", () => clearTimeout(toastTimer));
  toastBox.addEventListener("mouseenter", () => clearTimeout(toastTimer));
  toastBox.addEventListener("focusout", () => hideToastLater(3000));
  toastBox.addEventListener("mouseleave", () => hideToastLater(3000));
}

// --- undo for on/off toggles (form[data-undoable], e.g. "I'd attend", "Me too", "Helpful") -----
// The same endpoint again with the opposite "on" (the on/off rule, so a repeat can't flip twice),
// through the form itself, or its copy after a live reload swapped the list.
// An icon of the page's sprite (templates/_icons.html), as the icon() macro renders it.
function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
  use.setAttribute("href", `#i-${name}`);
  svg.append(use);
  return svg;
}

function undoToggle(form, item) {
  const on = item.fields.find(([name]) => name === "on");
  const key = form.dataset.undoable;
  const again = form.isConnected ? form : document.querySelector(`form[data-undoable="${CSS.escape(key)}"]`);
  if (!on || !again) return;
  const want = on[1] === "1" ? "0" : "1";
  const input = again.querySelector('input[name="on"]');
  const button = again.querySelector('button[name="on"]');
  if (input) { input.value = want; again.requestSubmit(); }
  else if (button) { button.value = want; again.requestSubmit(button); }
}
document.addEventListener("bg:done", (ev) => {
  const form = ev.target;
  const { ok, data } = ev.detail.result;
  if (ok && data.message && form.matches && form.matches("form[data-undoable]")) {
    toast(data.message, () => undoToggle(form, ev.detail.item));
  }
});
// --- undo for deleting: an answer that names an ``undo`` URL ("Deleted. Undo") ---------------
// Undo posts to that URL within the server's grace period; the live reload that follows the
// server's change notice brings the thing back on every screen, this one too.
document.addEventListener("bg:done", (ev) => {
  const { ok, data } = ev.detail.result;
  if (!ok || !data.undo) return;
  toast(data.message, async () => {
    let r;
    try { r = await post(data.undo, []); } catch (e) { status(conn && conn.dataset.offline); return; }
    toast(r.data.message || r.data.error);
    document.dispatchEvent(new CustomEvent("bg:undone", { detail: { url: data.undo, result: r } }));
  });
});
// The server's confirmation after a form was sent without JS, or a page opened at an anchor
// (#my-card): it floats where the eye is, not scrolled away above the anchor.
const flashes = document.querySelector(".flashes");
if (flashes && location.hash && !flashes.querySelector(".flash-link")) {
  flashes.classList.add("floating");
  setTimeout(() => { flashes.hidden = true; }, 8000);
}
// A page that navigates after an action leaves its confirmation for the next page to show,
// with its "Undo" URL if it has one (taking it back reloads the page: the server draws it again).
export function toastAfterLoad(text, undo = "") {
  try { sessionStorage.setItem("barcamp-toast", JSON.stringify({ text, undo })); } catch (e) { /* private mode */ }
}
async function undoThenReload(url) {
  let r;
  try { r = await post(url, []); } catch (e) { status(conn && conn.dataset.offline); return; }
  toastAfterLoad(r.data.message || r.data.error || "");
  location.reload();
}
try {
  const left = JSON.parse(sessionStorage.getItem("barcamp-toast") || "null");
  sessionStorage.removeItem("barcamp-toast");
  if (left) toast(left.text, left.undo ? () => undoThenReload(left.undo) : null);
} catch (e) { /* private mode */ }

// --- my votes, known on every event page (for notices about sessions I want) ---------
export const myVotes = new Set((document.body.dataset.myVotes || "").split(",").filter(Boolean).map(Number));

// --- the socket -----------------------------------------------------------
const tallyAt = {}; // kind -> "at" of the newest tally applied
function connect() {
  if (!slug || typeof io === "undefined") return;
  // What this page shows: the server sends topic-only news (question upvotes, tips) just to pages showing it.
  const shown = [...document.querySelectorAll("[data-live],[data-tally]")].map((el) => el.dataset.live || el.dataset.tally);
  const topics = [...new Set([...(document.body.dataset.topics || "").split(" "), ...shown])].filter(Boolean).join(",");
  const socket = io({ query: { event: slug, topics }, transports: ["websocket", "polling"], tryAllTransports: true });
  let wasConnected = false;
  socket.on("connect", () => {
    document.body.dataset.live = "on";
    status("");
    if (wasConnected || kept) {
      // Anything may have happened while we were away: resync everything, the app's version too.
      if (navigator.serviceWorker && document.body.dataset.worker) {
        navigator.serviceWorker.getRegistration(document.body.dataset.workerScope).then((reg) => reg && reg.update()).catch(() => {});
      }
      flushOutbox().then(refreshAll);
      handlers.resync.forEach((fn) => fn());
    } else {
      flushOutbox();
      // News for me alone that came between this page's render and now was sent before I was
      // listening: the small personal parts (my group, my connections) catch up once.
      for (const el of document.querySelectorAll("[data-live][data-catch-up]")) refresh(el.dataset.live, 0, "fresh=1");
    }
    wasConnected = true;
  });
  socket.on("disconnect", () => {
    document.body.dataset.live = "off";
    status(conn && conn.dataset.lost);
  });
  // A facilitator link was revoked: reconnect, and the server decides again which rooms we join.
  socket.on("rejoin", () => { socket.disconnect(); socket.connect(); });
  socket.on("changed", (msg) => {
    if (!applyItem(msg)) refresh(msg.what, msg.now ? Math.random() * 200 : Math.random() * 800, msg.at ? `at=${msg.at}` : "");
    handlers.changed.forEach((fn) => fn(msg));
  });
  socket.on("tally", (msg) => {
    // With several server processes, two tallies can cross: keep the one read last (see realtime.py).
    if (msg.at < (tallyAt[msg.kind] || 0)) return;
    tallyAt[msg.kind] = msg.at;
    applyTally(msg.kind, msg.counts);
    // Ranked views (e.g. the projector's top questions) re-sort: at most once per tally broadcast.
    // Fresh, because votes announce no change that would make the shared render cache stale.
    for (const el of document.querySelectorAll(`[data-live][data-refresh-on-tally="${msg.kind}"]`)) refresh(el.dataset.live, 200, "fresh=1");
    handlers.tally.forEach((fn) => fn(msg));
  });
  window.barcampSocket = socket;
}

window.addEventListener("online", flushOutbox);

// --- the installable app: this event's service worker -----------------------------
// Registered once the page has loaded, so what it fetches in the background never slows the
// first paint. A facilitator's browser keeps nothing: it drops any worker and copy it had.
function worker() {
  if (!("serviceWorker" in navigator)) return;
  const body = document.body;
  if (body.dataset.worker) {
    navigator.serviceWorker.register(body.dataset.worker, { scope: body.dataset.workerScope }).catch(() => { /* not kept offline */ });
    // A new deploy's worker took over: a page of another build loads the new one, unless the
    // reader is typing (then the next page they open is the new one).
    navigator.serviceWorker.addEventListener("message", (ev) => {
      const typing = [...document.querySelectorAll("textarea, input:not([type=hidden])")].some((el) => el.value && el === document.activeElement);
      if (ev.data && ev.data.build && ev.data.build !== body.dataset.build && !typing) location.reload();
    });
  } else if ("workerOff" in body.dataset) {
    navigator.serviceWorker.getRegistrations().then((regs) => regs.forEach((reg) => reg.unregister()));
    if (window.caches) caches.keys().then((names) => names.forEach((name) => caches.delete(name)));
  }
}
if (document.readyState === "complete") worker(); else window.addEventListener("load", worker, { once: true });
if (kept) status(conn && conn.dataset.kept);

// What the sticky header covers (the tabs, maybe two rows of them, and the votes left): anchors
// and scrollIntoView land below it (app.css: scroll-padding-top).
const header = document.querySelector("header.top");
function measureHeader() {
  const bar = header.querySelector(".bar");
  document.documentElement.style.setProperty("--sticky", `${header.offsetHeight - (bar ? bar.offsetHeight : 0)}px`);
}
if (header) { measureHeader(); window.addEventListener("resize", measureHeader); }

// The projector clock: the server's time (data-now, when the page was made) in the event's zone
// (data-tz), so a projector laptop with a wrong clock or time zone still shows the room's time.
for (const el of document.querySelectorAll("[data-clock]")) {
  const offset = el.dataset.now ? Number(el.dataset.now) - Date.now() : 0;
  const opts = { hour: "2-digit", minute: "2-digit", timeZone: el.dataset.tz || undefined };
  const tick = () => {
    try { el.textContent = new Date(Date.now() + offset).toLocaleTimeString([], opts); }
    catch (e) { opts.timeZone = undefined; tick(); } // a zone this browser doesn't know: its own
  };
  tick(); setInterval(tick, 10000);
}

// A feature module that imports this one may run before the deferred socket.io script: then wait for it.
function start() {
  if (typeof io === "undefined" && document.readyState !== "complete") { window.addEventListener("load", start, { once: true }); return; }
  connect();
}
start();
