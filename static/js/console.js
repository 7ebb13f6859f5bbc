// The facilitator console: one tab shown at a time (without JS every section shows, and the
// tabs are links to them), live badges, set-up forms saved in place, status where the eye is.
import { on, refresh, toast } from "./live.js";

const nav = document.querySelector("[data-console-tabs]");
const panels = [...document.querySelectorAll("[data-panel]")];
const KEY = "barcamp-console-tab";

function panelFor(hash) {
  // A tab's own anchor (#tab-plan) or any anchor inside a tab (#rooms, #spotlight) opens that tab.
  const el = hash.length > 1 ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
  const panel = el && el.closest("[data-panel]");
  return panel ? panel.dataset.panel : null;
}

function mark(key) {
  for (const a of nav.querySelectorAll("[data-tab]")) {
    if (a.dataset.tab === key) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function show(key, scroll) {
  if (!panels.some((p) => p.dataset.panel === key)) key = panels[0].dataset.panel;
  for (const p of panels) p.hidden = p.dataset.panel !== key;
  mark(key);
  try { sessionStorage.setItem(KEY, key); } catch (e) { /* private mode */ }
  const target = scroll && location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && !target.matches("[data-panel]")) target.scrollIntoView();
  else if (scroll) window.scrollTo(0, 0);
}

if (nav && panels.length) {
  document.body.classList.add("console-tabbed");
  let stored = null;
  try { stored = sessionStorage.getItem(KEY); } catch (e) { /* private mode */ }
  show(panelFor(location.hash) || stored, true);
  window.addEventListener("hashchange", () => show(panelFor(location.hash), true));
  nav.addEventListener("live:updated", () => mark(sessionStorage.getItem(KEY)));
  // Badges count what other parts announce: reload the tabs when one of them changes.
  const watched = new Set((nav.dataset.watch || "").split(" "));
  on("changed", (msg) => { if (watched.has(msg.what)) refresh("consoletabs", 300, "fresh=1"); });
}

// Flashed messages (a form sent without JS) show at the bottom of the screen, not under the header.
const flashes = document.querySelector(".console-page .flashes");
if (flashes && !flashes.querySelector(".flash-link")) setTimeout(() => { flashes.hidden = true; }, 8000);

// Set-up forms save in place: the answer shows as a toast, and the set-up tab is read again
// from the console page (the one rendering path), keeping the tab and the open days.
async function reloadSetup() {
  const box = document.querySelector("[data-setup]");
  if (!box) return;
  const open = [...box.querySelectorAll("details[open][id]")].map((d) => d.id);
  const res = await fetch(location.pathname, { credentials: "same-origin" });
  if (!res.ok) return;
  const fresh = new DOMParser().parseFromString(await res.text(), "text/html").querySelector("[data-setup]");
  if (!fresh) return;
  for (const id of open) { const d = fresh.querySelector(`#${CSS.escape(id)}`); if (d) d.open = true; }
  box.replaceWith(fresh);
}

document.addEventListener("bg:done", async (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-setup-form], [data-timer-form]")) return;
  const { ok, data } = ev.detail.result;
  if (ok && form.matches("[data-setup-form]")) await reloadSetup();
  toast(ok ? data.message : data.error);
});
