// Pitch lists: optimistic "I'd attend" votes, votes left, my own pitches, the
// beginner filter, tag chips, and the facilitator's spotlight shortcuts.
import { announce, myVotes, on, queued, samePath, toastAfterLoad } from "./live.js";
import { when } from "./notices.js";

const section = document.querySelector("[data-my-pitches]");
const ids = (s) => new Set((s || "").split(",").filter(Boolean).map(Number));
const leftLine = document.querySelector("[data-votes-left]");
const state = {
  voted: myVotes, // shared with every module of the page (notices, the programme)
  mine: ids(section && section.dataset.myPitches),
  budget: leftLine && leftLine.dataset.budget !== "" ? Number(leftLine.dataset.budget) : null,
};

function applyState() {
  for (const form of document.querySelectorAll("form.vote-form")) {
    const id = Number(form.closest("[data-pitch]").dataset.pitch);
    const voted = state.voted.has(id);
    form.querySelector("button.vote").setAttribute("aria-pressed", voted ? "true" : "false");
    form.querySelector('input[name="on"]').value = voted ? "0" : "1";
  }
  for (const link of document.querySelectorAll(".edit-link")) {
    link.hidden = !state.mine.has(Number(link.closest("[data-pitch]").dataset.pitch));
  }
  if (leftLine) {
    // The server's sentence, with the numbers this page knows: the budget and my votes.
    leftLine.hidden = state.budget === null;
    if (state.budget !== null) {
      const n = Math.max(0, state.budget - state.voted.size);
      leftLine.textContent = leftLine.dataset.template.replace("{n}", n).replace("{total}", state.budget);
    }
  }
  applyFilter();
}

// Optimistic update: flip the button and the count at once; the server's answer corrects it.
document.addEventListener("bg:optimistic", (ev) => {
  const form = ev.target;
  if (!form.matches("form.vote-form")) return;
  const id = Number(form.closest("[data-pitch]").dataset.pitch);
  const turnOn = form.querySelector('input[name="on"]').value === "1";
  if (turnOn) state.voted.add(id); else state.voted.delete(id);
  const count = form.querySelector("[data-tally]");
  if (count) {
    const before = Number(count.textContent);
    const after = Math.max(0, before + (turnOn ? 1 : -1));
    count.textContent = String(after);
    optimistic.set(ev.detail.item.id, after - before); // taken back if the server refuses
  }
  applyState();
});
const optimistic = new Map(); // outbox item id -> what the optimistic update added to the count

function voteAnswered(ev) {
  const { item, result } = ev.detail;
  if (!item.action.endsWith("/vote")) return;
  const id = Number(result.data.pitch_id || item.action.split("/").slice(-2)[0]);
  if (result.data.voted === true) state.voted.add(id);
  if (result.data.voted === false) state.voted.delete(id);
  const delta = optimistic.get(item.id) || 0;
  optimistic.delete(item.id);
  if (!result.ok) {
    // Refused (over budget, voting closed): the count goes back to what it was before my tap.
    for (const count of document.querySelectorAll(`[data-tally="votes"][data-id="${id}"]`)) {
      count.textContent = String(Math.max(0, Number(count.textContent) - delta));
    }
    if (result.data.error) announce(result.data.error);
  }
  applyState();
}
document.addEventListener("bg:done", voteAnswered);

// After a reconnect (or an outbox flush), ask the server what is true.
async function resync() {
  if (!section || !section.dataset.mineUrl) return;
  try {
    const res = await fetch(section.dataset.mineUrl, { headers: { Accept: "application/json" } });
    if (!res.ok) return;
    const data = await res.json();
    state.voted.clear();
    data.voted.forEach((id) => state.voted.add(id));
    state.budget = data.budget;
    applyState();
  } catch (e) { /* still offline */ }
}
on("resync", resync);
document.addEventListener("bg:sent", (ev) => { voteAnswered(ev); resync(); });

// A pitch sent from the outbox (by whichever tab): "my pitches" lists it as stored, linking to its card.
const myPitches = document.querySelector("#my-pitches [data-waiting]");
document.addEventListener("bg:sent", (ev) => {
  const { item, result } = ev.detail;
  if (!myPitches || !result.ok || !result.data.url || !samePath(item.action, myPitches.dataset.waiting)) return;
  const title = item.fields.find(([k]) => k === "title");
  const li = document.createElement("li");
  const link = li.appendChild(document.createElement("a"));
  link.href = result.data.url;
  link.textContent = title ? title[1] : "";
  myPitches.querySelector("template").before(li);
  myPitches.closest("[data-waiting-box]").hidden = false;
});
document.addEventListener("live:updated", applyState);
on("changed", (msg) => {
  if (msg.what === "voting") { state.budget = msg.budget; applyState(); }
  if (msg.what === "pitches" && msg.now && section) announce(section.dataset.newPitch);
});

// The pitch form goes in the background: offline it waits in the outbox (the
// form's client_id makes the re-send idempotent); invalid input falls back to
// a normal submit so the server renders the errors next to the fields.
const pitchForm = document.querySelector("form[data-pitch-form]");
if (pitchForm) {
  // A new id for this pitch, made on each page load: the page may be a copy the phone kept, and
  // two pitches sent from one copy must not share the id that makes a re-send (a double tap) one.
  if (pitchForm.elements.client_id && !("edit" in pitchForm.dataset)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    pitchForm.elements.client_id.value = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  // Stored: show it as the server answered, on the list (also when it was sent later, from the outbox).
  const stored = (result) => {
    toastAfterLoad(result.data.message);
    window.location.assign(result.data.url || `${pitchForm.dataset.home}#pitch-${result.data.id || ""}`);
  };
  let waiting = null; // the outbox item of this form, while it waits for a connection
  pitchForm.addEventListener("bg:done", (ev) => {
    const { result } = ev.detail;
    if (result.ok) stored(result);
    else if (result.status === 400) pitchForm.submit();
  });
  pitchForm.addEventListener("bg:queued", (ev) => {
    waiting = ev.detail.item.id;
    pitchForm.querySelector("[data-queued]").hidden = false;
  });
  document.addEventListener("bg:sent", (ev) => {
    if (ev.detail.item.id !== waiting) return;
    waiting = null;
    pitchForm.querySelector("[data-queued]").hidden = true;
    if (ev.detail.result.ok) stored(ev.detail.result);
    else if (ev.detail.result.status === 400) pitchForm.submit();
  });
}

// Sort, search and filter the list: on this phone only, again after every live reload.
const tools = document.querySelector("[data-pitch-tools]");
const pick = (sel) => (tools ? tools.querySelector(sel) : null);
const SORTS = {
  pitched: (a, b) => Number(a.dataset.pitch) - Number(b.dataset.pitch),
  new: (a, b) => Number(b.dataset.pitch) - Number(a.dataset.pitch),
  interest: (a, b) => countOf(b) - countOf(a) || SORTS.pitched(a, b),
  // Placed ones by their time, then the rest as pitched.
  time: (a, b) => byText(a.dataset.when || "\uffff", b.dataset.when || "\uffff") || SORTS.pitched(a, b),
};
const byText = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
function countOf(card) { const c = card.querySelector('[data-tally="votes"]'); return c ? Number(c.textContent) : 0; }
function applyFilter() {
  if (!tools) return;
  const q = pick("[data-q]").value.trim().toLowerCase();
  const tag = pick("[data-tag]").value;
  const level = pick("[data-level]").value;
  const onlyMine = pick("[data-mine]").checked;
  const cards = [...document.querySelectorAll("article[data-pitch]")];
  let shown = 0;
  for (const card of cards) {
    const id = Number(card.dataset.pitch);
    card.hidden = (q && !card.textContent.toLowerCase().includes(q))
      || (tag && !card.dataset.tags.split(" ").includes(tag))
      || (level && card.dataset.level !== level)
      || (onlyMine && !state.mine.has(id) && !state.voted.has(id));
    if (!card.hidden) shown += 1;
  }
  const sorted = [...cards].sort(SORTS[pick("[data-sort]").value] || SORTS.pitched);
  if (sorted.some((card, i) => card !== cards[i])) sorted.forEach((card) => card.parentElement.append(card));
  const line = pick("[data-shown]");
  line.textContent = shown === cards.length ? "" : line.dataset.template.replace("{n}", shown).replace("{total}", cards.length);
}
if (tools) {
  tools.hidden = false;
  tools.addEventListener("input", applyFilter);
  tools.addEventListener("change", applyFilter);
}

// A pitch placed, moved or taken off the grid: its card's "Sat 10:15 · Aula" follows.
on("changed", (msg) => {
  if (msg.what !== "grid" || !Array.isArray(msg.moved)) return;
  for (const m of msg.moved) {
    const card = document.querySelector(`article[data-pitch="${m.pitch_id}"]`);
    const line = card && card.querySelector("[data-when-text]");
    if (!line) continue;
    line.textContent = m.room ? `${when(m)} · ${m.room}` : "";
    line.hidden = !m.room;
    card.dataset.when = m.room ? `${m.day ? `${m.day} ` : ""}${m.start}` : ""; // as the server's key
  }
  applyFilter();
});

// Tag chips on the pitch form: typing in the field shows the used tags that match what is typed
// after the last comma (the first 8 of them), from behind "More tags" too.
const picks = document.querySelector("[data-tag-picks]");
const tagInput = document.querySelector('input[name="tags"]');
if (picks && tagInput) {
  tagInput.addEventListener("input", () => {
    const term = tagInput.value.split(",").pop().trim().toLowerCase();
    const chips = [...picks.querySelectorAll("[data-add-tag]")];
    const more = picks.querySelector("details");
    let n = 0;
    for (const chip of chips) {
      chip.hidden = Boolean(term) && (n >= 8 || !chip.dataset.addTag.toLowerCase().includes(term));
      if (term && !chip.hidden) n += 1;
    }
    if (more) more.open = Boolean(term) && [...more.querySelectorAll("[data-add-tag]")].some((c) => !c.hidden);
  });
}
for (const chip of document.querySelectorAll("[data-add-tag]")) {
  chip.addEventListener("click", () => {
    const input = document.querySelector('input[name="tags"]');
    const tags = input.value.split(",").map((t) => t.trim()).filter(Boolean);
    // What was being typed after the last comma becomes the picked tag.
    const typed = /,\s*[^,]+$|^[^,]+$/.test(input.value.trimEnd()) ? tags[tags.length - 1] : null;
    if (typed && chip.dataset.addTag.toLowerCase().includes(typed.toLowerCase()) && typed !== chip.dataset.addTag) tags.pop();
    if (!tags.includes(chip.dataset.addTag)) tags.push(chip.dataset.addTag);
    input.value = tags.join(", ");
    input.dispatchEvent(new Event("input"));
    input.focus();
  });
}

// Facilitator console: ←/→ or P/N move the spotlight.
const spot = document.querySelector("form[data-spotlight]");
if (spot) {
  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest("input, textarea, select") || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    // Not while the arrows move between the planning grid's cells (the keys work from every tab).
    if (ev.defaultPrevented || ev.target.closest("[role=grid]")) return;
    const move = { ArrowRight: "next", n: "next", ArrowLeft: "prev", p: "prev" }[ev.key];
    if (!move) return;
    ev.preventDefault();
    spot.querySelector(`button[value="${move}"]`).click();
  });
}

// Votes still waiting in the outbox (tapped offline, in this tab or another, maybe on a page since
// left) show on whatever copy of the list this is, kept or fresh, as the tap left them.
function applyQueuedVotes() {
  const forms = [...document.querySelectorAll("form.vote-form")];
  for (const item of queued()) {
    const form = forms.find((f) => samePath(f.action, item.action));
    if (!form) continue;
    const id = Number(form.closest("[data-pitch]").dataset.pitch);
    const turnOn = (item.fields.find(([k]) => k === "on") || [])[1] === "1";
    if (turnOn === state.voted.has(id)) continue;
    if (turnOn) state.voted.add(id); else state.voted.delete(id);
    for (const count of document.querySelectorAll(`[data-tally="votes"][data-id="${id}"]`)) {
      count.textContent = String(Math.max(0, Number(count.textContent) + (turnOn ? 1 : -1)));
    }
  }
}

applyQueuedVotes();
applyState();
