// Pitch lists: optimistic "I'd attend" votes, votes left, my own pitches, the
// beginner filter, tag chips, and the facilitator's spotlight shortcuts.
import { announce, myVotes, on, queued, samePath, toastAfterLoad } from "./live.js";

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

// Beginner-friendly filter.
const filterBtn = document.querySelector("[data-filter-level]");
function applyFilter() {
  if (!filterBtn) return;
  const only = filterBtn.getAttribute("aria-pressed") === "true" ? filterBtn.dataset.filterLevel : null;
  for (const card of document.querySelectorAll("article[data-pitch]")) card.hidden = Boolean(only) && card.dataset.level !== only;
}
if (filterBtn) filterBtn.addEventListener("click", () => {
  filterBtn.setAttribute("aria-pressed", filterBtn.getAttribute("aria-pressed") === "true" ? "false" : "true");
  applyFilter();
});

// Tag chips on the pitch form.
for (const chip of document.querySelectorAll("[data-add-tag]")) {
  chip.addEventListener("click", () => {
    const input = document.querySelector('input[name="tags"]');
    const tags = input.value.split(",").map((t) => t.trim()).filter(Boolean);
    if (!tags.includes(chip.dataset.addTag)) tags.push(chip.dataset.addTag);
    input.value = tags.join(", ");
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
