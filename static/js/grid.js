// The grid on every screen (phone, projector, console): highlights the cells a live update
// changed, keeps "now/next" current, rotates projector pages; on the phone also the room and
// "my sessions" filters. (Notices about sessions I voted for are in notices.js, on every page.)
import { myVotes, on, refresh } from "./live.js";
import { fitWords } from "./words.js";

const page = document.getElementById("grid-page");
const filters = document.querySelector("[data-grid-filters]");

// --- highlight the cells that changed -------------------------------------------
const seen = new WeakMap();

function signatures(root) {
  const sigs = new Map();
  root.querySelectorAll("[data-cell]").forEach((el) => sigs.set(el.dataset.cell, el.dataset.sig || ""));
  return sigs;
}

function rememberAll() {
  document.querySelectorAll('[data-live="grid"]').forEach((el) => { if (!seen.has(el)) seen.set(el, signatures(el)); });
}

function highlight(root) {
  const before = seen.get(root);
  const after = signatures(root);
  seen.set(root, after);
  if (!before) return;
  for (const [key, sig] of after) {
    if (before.get(key) === sig) continue;
    const el = root.querySelector(`[data-cell="${CSS.escape(key)}"]`);
    if (!el) continue;
    el.classList.add("grid-changed");
    setTimeout(() => el.classList.remove("grid-changed"), 3000);
  }
}

// --- keep "now" and "next" current: reload at the next slot boundary ------------------
let boundaryTimer;
function scheduleBoundary() {
  clearTimeout(boundaryTimer);
  const times = [...document.querySelectorAll("[data-refresh-at]")].map((el) => Number(el.dataset.refreshAt));
  const next = Math.min(...times.filter((t) => t > Date.now()));
  if (!Number.isFinite(next)) return;
  // A little random spread, so a thousand phones do not reload in the same second.
  const wait = Math.min(next - Date.now() + Math.random() * 15000, 6 * 3600 * 1000);
  // Ask for a render made after the boundary (the server shares one render between phones).
  boundaryTimer = setTimeout(() => { refresh("grid", 0, `at=${next / 1000}`); setTimeout(scheduleBoundary, 5000); }, wait);
}

// --- projector: rotate through pages when the grid is bigger than one screen ----------
// The server sends pages of up to 4 rooms; here each page's slots are split into views that fit
// the screen's height (large type makes rows tall), and the views rotate.
let pageIndex = 0;
let rotateTimer = null;
let showView = () => {};

function slotViews(pageEl) {
  // Greedy, like projector.js: rows in order, a new view when the next one would not fit.
  pageEl.hidden = false;
  pageEl.classList.add("is-measuring"); // the rows at their own height, not stretched to the screen
  const rows = [...pageEl.querySelectorAll("tbody tr")];
  rows.forEach((tr) => { tr.hidden = false; });
  fitWords(pageEl);
  const table = pageEl.querySelector("table");
  const head = table.tHead ? table.tHead.getBoundingClientRect().height : 0;
  const room = pageEl.getBoundingClientRect().bottom - table.getBoundingClientRect().top - head;
  const heights = rows.map((tr) => tr.getBoundingClientRect().height);
  pageEl.classList.remove("is-measuring");
  const views = [];
  let used = Infinity;
  rows.forEach((tr, i) => {
    if (used + heights[i] > room) { views.push([]); used = 0; }
    views[views.length - 1].push(tr);
    used += heights[i];
  });
  return balanced(rows, heights, room, views.length) || views;
}

function balanced(rows, heights, room, count) {
  // The same number of views, with the rows shared out evenly (8 slots: 3 + 3 + 2, not 4 + 3 + 1),
  // so no view is a half-empty screen; null when an even share would not fit.
  const views = [];
  let start = 0;
  for (let v = 0; v < count; v += 1) {
    const size = Math.ceil((rows.length - start) / (count - v));
    if (heights.slice(start, start + size).reduce((a, b) => a + b, 0) > room) return null;
    views.push(rows.slice(start, start + size));
    start += size;
  }
  return views;
}

function stopRotation() {
  clearInterval(rotateTimer);
  rotateTimer = null;
}

function setupPages() {
  const box = document.querySelector("[data-pages]");
  if (!box) { stopRotation(); return; }
  const pages = [...box.querySelectorAll("[data-page]")];
  // Show every pager while measuring, so each view keeps room for it.
  pages.forEach((p) => { p.querySelector("[data-pager]").hidden = false; p.hidden = true; });
  const views = pages.flatMap((p) => { const v = slotViews(p); p.hidden = true; return v.map((rows) => [p, rows]); });
  if (!views.length) { stopRotation(); return; }
  showView = () => {
    const n = pageIndex % views.length;
    const [pageEl, rows] = views[n];
    pages.forEach((p) => { p.hidden = p !== pageEl; });
    pageEl.querySelectorAll("tbody tr").forEach((tr) => { tr.hidden = !rows.includes(tr); });
    const pager = pageEl.querySelector("[data-pager]");
    pager.hidden = views.length < 2;
    pager.textContent = box.dataset.pagerText.replace("{n}", n + 1).replace("{total}", views.length);
  };
  showView();
  // The rotation keeps its beat through re-splits (a live update, a resize): restarting it on each
  // one would hold a busy event's grid on its first page.
  if (views.length < 2) stopRotation();
  else if (!rotateTimer) rotateTimer = setInterval(() => { pageIndex += 1; showView(); }, 12000);
}

// --- phone: my sessions, filters, notices of sessions I voted for ---------------------
function applyMine() {
  document.querySelectorAll(".programme .gs").forEach((el) => {
    el.toggleAttribute("data-mine", myVotes.has(Number(el.dataset.pitch)));
  });
}

function applyFilters() {
  if (!filters) return;
  const room = filters.elements.room.value;
  const mine = filters.elements.mine.checked;
  let shown = 0;
  document.querySelectorAll(".programme .gs").forEach((el) => {
    const ok = (!room || el.dataset.room === room) && (!mine || myVotes.has(Number(el.dataset.pitch)));
    el.hidden = !ok;
    if (ok && el.dataset.cell) shown += 1;
  });
  const empty = document.querySelector("[data-filter-empty]");
  if (empty) empty.hidden = shown > 0 || (!room && !mine);
}

if (filters) {
  filters.querySelector("[data-apply]").hidden = true; // filters apply as you change them
  const update = () => {
    applyFilters();
    const params = new URLSearchParams();
    if (filters.elements.room.value) params.set("room", filters.elements.room.value);
    if (filters.elements.mine.checked) params.set("mine", "1");
    history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname);
  };
  filters.addEventListener("change", update);
  filters.addEventListener("submit", (ev) => { ev.preventDefault(); update(); });
}

async function loadMine() {
  if (!page) return;
  try {
    const res = await fetch(page.dataset.mineUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!res.ok) return;
    const ids = (await res.json()).pitch_ids;
    myVotes.clear();
    ids.forEach((id) => myVotes.add(id));
    applyMine();
    applyFilters();
  } catch (e) { /* offline: keep what we have */ }
}

on("changed", (msg) => {
  if (msg.what === "rooms" || msg.what === "pitches") refresh("grid", Math.random() * 500, msg.at ? `at=${msg.at}` : "");
});
on("resync", loadMine);

function afterRender() {
  applyMine();
  applyFilters();
  scheduleBoundary();
  setupPages();
}

// The projector's stage can shrink (e.g. "Connection lost" takes a row): measure the pages again.
let lastHeight = 0;
const stage = document.querySelector(".projector .stage");
if (stage && window.ResizeObserver) {
  new ResizeObserver(() => {
    if (stage.clientHeight !== lastHeight) { lastHeight = stage.clientHeight; setupPages(); }
  }).observe(stage);
}

document.addEventListener("live:updated", (ev) => {
  if (ev.target.dataset.live === "grid") highlight(ev.target);
  rememberAll(); // e.g. the projector switched to the grid: new containers
  afterRender();
});

rememberAll();
afterRender();
