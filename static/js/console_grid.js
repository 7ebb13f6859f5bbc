// The facilitator's planning grid: drag and drop with mouse and touch (pointer events), and
// the keyboard path: "Pick" a pitch, then "Place here" in a cell. Every action is a form POST
// the server also accepts without JS; the live update then redraws the grid everywhere.
import { on, post, refresh } from "./live.js";

const box = document.querySelector("[data-grid-console]");
const statusEl = box && box.querySelector("[data-grid-status]");
let picked = null; // { id, title } of the pitch picked with the keyboard path
let lastFocus = null; // where focus was, to put it back after the grid is redrawn

function say(text) { if (statusEl) statusEl.textContent = text || ""; }
function item(id) { return box.querySelector(`[data-drag][data-pitch="${CSS.escape(String(id))}"]`); }

// --- keyboard path: pick, then place ---------------------------------------------
// Where a pitch is: "queue" or its cell. A pick ends once its pitch has moved (placed by hand,
// by drag or by auto-plan), so "Place here" does not linger in every cell.
function spot(el) {
  const c = el && el.closest("[data-drop]");
  return !c ? "" : c.dataset.drop === "queue" ? "queue" : `${c.dataset.slot}-${c.dataset.room}`;
}

function applyPick() {
  if (picked && spot(item(picked.id)) !== picked.spot) picked = null;
  const banner = box.querySelector("[data-pick-banner]");
  if (banner) banner.hidden = true; // the no-JS banner; JS says it in the status line
  box.querySelectorAll("[data-pick]").forEach((b) => {
    b.setAttribute("aria-pressed", String(Boolean(picked) && b.value === picked.id));
  });
  box.querySelectorAll("[data-drag]").forEach((el) => {
    el.classList.toggle("is-picked", Boolean(picked) && el.dataset.pitch === picked.id);
  });
  box.querySelectorAll("form.gc-place").forEach((form) => {
    const here = form.closest("[data-cell]").querySelector("[data-drag]");
    form.hidden = !picked || Boolean(here && here.dataset.pitch === picked.id);
    form.elements.pitch_id.value = picked ? picked.id : "";
  });
}

function pick(id) {
  if (picked && picked.id === id) { unpick(); return; }
  const el = item(id);
  picked = { id, title: el ? el.dataset.title : "", spot: spot(el) };
  box.querySelectorAll("details.gc-menu[open]").forEach((d) => { d.open = false; });
  applyPick();
  say(box.dataset.pickedText.split("{title}").join(picked.title));
  // Focus goes to the first empty cell: one careless Enter must not swap a session.
  const places = [...box.querySelectorAll("form.gc-place:not([hidden])")];
  const empty = places.find((f) => !f.closest("[data-cell]").querySelector("[data-drag]")) || places[0];
  if (empty) { current = empty.closest("[data-cell]").dataset.cell; rove(); empty.querySelector("button").focus(); }
}

function unpick() {
  if (!picked) return;
  picked = null;
  applyPick();
  say(box.dataset.unpickedText);
}

// --- drag and drop (pointer events: mouse, pen and touch alike) ------------------
let drag = null;

function dropTarget(x, y) {
  const el = document.elementFromPoint(x, y);
  const target = el && el.closest("[data-drop]");
  return target && box.contains(target) ? target : null;
}

function endDrag(d) {
  if (d.ghost) d.ghost.remove();
  d.item.classList.remove("is-dragging");
  if (d.over) d.over.classList.remove("is-over");
  document.body.classList.remove("gc-dragging");
}

async function drop(d, target) {
  let r;
  if (target.dataset.drop === "queue") {
    if (!d.item.closest("[data-cell]")) return; // it is not on the grid
    r = await post(box.dataset.unscheduleUrl, { pitch_id: d.id });
  } else {
    if (target.contains(d.item)) return; // dropped where it was
    r = await post(box.dataset.placeUrl, { pitch_id: d.id, slot_id: target.dataset.slot, room_id: target.dataset.room });
  }
  say(r.ok ? r.data.message : r.data.error);
  if (r.ok) {
    lastFocus = null;
    refresh("grid", 0, "fresh=1");
  }
}

function setupDrag() {
  box.addEventListener("pointerdown", (ev) => {
    const el = ev.target.closest("[data-drag]");
    if (!el || ev.button !== 0 || ev.target.closest("button, summary, a, input, select, textarea")) return;
    drag = { item: el, id: el.dataset.pitch, x: ev.clientX, y: ev.clientY, pointerId: ev.pointerId, started: false };
  });
  document.addEventListener("pointermove", (ev) => {
    if (!drag || ev.pointerId !== drag.pointerId) return;
    if (!drag.started) {
      if (Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) < 6) return;
      drag.started = true;
      drag.ghost = drag.item.cloneNode(true);
      drag.ghost.removeAttribute("data-drag");
      drag.ghost.querySelectorAll("form").forEach((f) => f.remove());
      drag.ghost.classList.add("gc-ghost");
      drag.ghost.setAttribute("aria-hidden", "true");
      document.body.append(drag.ghost);
      drag.item.classList.add("is-dragging");
      document.body.classList.add("gc-dragging");
    }
    ev.preventDefault();
    drag.ghost.style.transform = `translate(${ev.clientX + 10}px, ${ev.clientY + 10}px)`;
    const target = dropTarget(ev.clientX, ev.clientY);
    if (target !== drag.over) {
      if (drag.over) drag.over.classList.remove("is-over");
      drag.over = target;
      if (target) target.classList.add("is-over");
    }
  });
  document.addEventListener("pointerup", (ev) => {
    if (!drag || ev.pointerId !== drag.pointerId) return;
    const d = drag;
    drag = null;
    endDrag(d);
    if (!d.started) return;
    const target = dropTarget(ev.clientX, ev.clientY);
    if (target) drop(d, target).catch(() => say(box.dataset.offlineText || ""));
  });
  document.addEventListener("pointercancel", () => { if (drag) { endDrag(drag); drag = null; } });
}

// --- the grid as an ARIA grid: one Tab stop, arrow keys move between cells ---------
let current = null; // the cell (data-cell) that holds the grid's one Tab stop
const CONTROLS = "button, summary, a, select, input:not([type=hidden])";

function rove() {
  const table = box.querySelector(".gc-table");
  const cells = [...box.querySelectorAll("td[data-cell]")];
  if (!table || !cells.length) return;
  table.setAttribute("role", "grid");
  const here = cells.find((c) => c.dataset.cell === current) || cells[0];
  current = here.dataset.cell;
  for (const c of cells) {
    c.tabIndex = c === here ? 0 : -1;
    for (const el of c.querySelectorAll(CONTROLS)) el.tabIndex = c === here ? 0 : -1;
  }
}

function moveFocus(ev) {
  const cell = ev.target.closest("td[data-cell]");
  const keys = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
  if (!cell || !(ev.key in keys || ev.key === "Home" || ev.key === "End") || ev.target.matches("select, input")) return;
  const rows = [...box.querySelectorAll("tr")].map((tr) => [...tr.querySelectorAll("td[data-cell]")]).filter((r) => r.length);
  const r = rows.findIndex((row) => row.includes(cell));
  const c = rows[r].indexOf(cell);
  let [nr, nc] = ev.key === "Home" ? [r, 0] : ev.key === "End" ? [r, rows[r].length - 1] : [r + keys[ev.key][0], c + keys[ev.key][1]];
  nr = Math.max(0, Math.min(rows.length - 1, nr));
  nc = Math.max(0, Math.min(rows[nr].length - 1, nc));
  ev.preventDefault();
  const next = rows[nr][nc];
  current = next.dataset.cell;
  rove();
  next.focus();
}

// --- wiring ------------------------------------------------------------------------
function restoreFocus() {
  if (!lastFocus || (document.activeElement && document.activeElement !== document.body)) return;
  const cell = lastFocus.cell && box.querySelector(`[data-cell="${CSS.escape(lastFocus.cell)}"]`);
  const scope = cell || box;
  // Buttons on show (not hidden, not in a closed menu), then the cell's menu, then the cell itself.
  const buttons = [...scope.querySelectorAll("button, summary")].filter((b) => !b.closest("[hidden], details:not([open]) > div"));
  const same = buttons.find((b) => b.textContent === lastFocus.text);
  const target = same || buttons[0] || cell;
  if (target) target.focus();
}

if (box) {
  const initial = box.querySelector('[data-pick][aria-pressed="true"]');
  if (initial) picked = { id: initial.value, title: item(initial.value)?.dataset.title || "" };
  applyPick();
  rove();
  setupDrag();
  box.addEventListener("keydown", moveFocus);

  box.addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-pick]");
    if (!b) return;
    ev.preventDefault();
    pick(b.value);
  });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") unpick(); });
  box.addEventListener("focusin", (ev) => {
    const cell = ev.target.closest("[data-cell]");
    lastFocus = { cell: cell ? cell.dataset.cell : null, text: ev.target.textContent };
    if (cell && cell.dataset.cell !== current) { current = cell.dataset.cell; rove(); }
  });
  box.addEventListener("submit", (ev) => {
    if (!ev.target.matches("form.gc-place")) return;
    // Focus follows the pitch to its new cell; the pick ends once live.js has read the form.
    lastFocus = { cell: ev.target.closest("[data-cell]").dataset.cell, text: "" };
    picked = null;
    setTimeout(applyPick, 0);
  });
  box.addEventListener("bg:done", (ev) => {
    const { result } = ev.detail;
    say(result.ok ? result.data.message : result.data.error);
    if (result.ok) refresh("grid", 0, "fresh=1");
  });
  box.addEventListener("bg:queued", () => say(document.getElementById("conn")?.textContent || ""));
  box.addEventListener("live:updated", () => { applyPick(); rove(); restoreFocus(); });
  // Interest counts and the warnings follow the votes (which announce no change: ask for a fresh render).
  on("tally", (msg) => { if (msg.kind === "votes") refresh("grid", 1500, "fresh=1"); });
}
