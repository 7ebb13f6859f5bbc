// Pitch lists: optimistic "I'd attend" votes, votes left, my own pitches, the
// beginner filter, tag chips, and the facilitator's spotlight shortcuts.
import { on, announce } from "./live.js";

const section = document.querySelector("[data-my-votes]");
const slug = document.body.dataset.event;
const ids = (s) => new Set((s || "").split(",").filter(Boolean).map(Number));
const state = {
  voted: ids(section && section.dataset.myVotes),
  mine: ids(section && section.dataset.myPitches),
  left: null,
};
const de = document.documentElement.lang === "de";

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
  for (const left of document.querySelectorAll("[data-votes-left]")) {
    if (state.left !== null && state.left !== undefined) {
      left.textContent = de ? `Du hast noch ${state.left} Stimme(n).` : `You have ${state.left} vote(s) left.`;
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
  if (count) count.textContent = String(Math.max(0, Number(count.textContent) + (turnOn ? 1 : -1)));
  applyState();
});

document.addEventListener("bg:done", (ev) => {
  const { item, result } = ev.detail;
  if (!item.action.endsWith("/vote")) return;
  const id = Number(result.data.pitch_id || item.action.split("/").slice(-2)[0]);
  if (result.data.voted === true) state.voted.add(id);
  if (result.data.voted === false) state.voted.delete(id);
  if ("votes_left" in result.data) state.left = result.data.votes_left;
  if (!result.ok && result.data.error) announce(result.data.error);
  applyState();
});

// After a reconnect (or an outbox flush), ask the server what is true.
async function resync() {
  if (!slug || !section) return;
  try {
    const res = await fetch(`/e/${slug}/votes/mine`, { headers: { Accept: "application/json" } });
    if (!res.ok) return;
    const data = await res.json();
    state.voted = new Set(data.voted);
    state.left = data.votes_left;
    applyState();
  } catch (e) { /* still offline */ }
}
on("resync", resync);
document.addEventListener("bg:sent", resync);
document.addEventListener("live:updated", applyState);
on("changed", (msg) => { if (msg.what === "pitches" && msg.now) announce(de ? "Neuer Pitch in der Liste." : "New pitch on the list."); });

// The pitch form goes in the background: offline it waits in the outbox (the
// form's client_id makes the re-send idempotent); invalid input falls back to
// a normal submit so the server renders the errors next to the fields.
const pitchForm = document.querySelector("form[data-pitch-form]");
if (pitchForm) {
  pitchForm.addEventListener("bg:done", (ev) => {
    const { result } = ev.detail;
    if (result.ok) window.location.assign(`${pitchForm.dataset.home}#pitch-${result.data.id || ""}`);
    else if (result.status === 400) pitchForm.submit();
  });
  pitchForm.addEventListener("bg:queued", () => {
    pitchForm.querySelector("[data-queued]").hidden = false;
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
    const move = { ArrowRight: "next", n: "next", ArrowLeft: "prev", p: "prev" }[ev.key];
    if (!move) return;
    ev.preventDefault();
    spot.querySelector(`button[value="${move}"]`).click();
  });
}

applyState();
