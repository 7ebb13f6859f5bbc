// The question wall: my upvotes (kept on this page, applied after live reloads),
// posting in the background, a character counter, and open "answered" sections.
import { announce, refresh } from "./live.js";

const section = document.querySelector("[data-my-question-votes]");
const voted = new Set(((section && section.dataset.myQuestionVotes) || "").split(",").filter(Boolean).map(Number));
const open = new Set();
const idOf = (form) => Number(form.closest("[data-question]").dataset.question);

function applyState() {
  for (const form of document.querySelectorAll("form.qw-vote")) {
    const on = voted.has(idOf(form));
    form.querySelector("button").setAttribute("aria-pressed", on ? "true" : "false");
    form.querySelector('input[name="on"]').value = on ? "0" : "1";
  }
  for (const details of document.querySelectorAll("details[data-keep-open]")) {
    if (open.has(details.dataset.keepOpen)) details.open = true;
  }
}

// Remember which collapsed sections the reader opened, across live reloads.
document.addEventListener("toggle", (ev) => {
  const details = ev.target;
  if (!(details instanceof HTMLDetailsElement) || !details.dataset.keepOpen) return;
  if (details.open) open.add(details.dataset.keepOpen); else open.delete(details.dataset.keepOpen);
}, true);

// The question just sent keeps its nonce (a re-send is stored once); the next one gets a new one.
// So does the first: the page may be a copy the phone kept, whose nonce was used before.
const ask = document.querySelector("form[data-ask]");
function newNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  ask.elements.nonce.value = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
if (ask) newNonce();

// Asked offline: it waits in the outbox, listed under "Your questions"; the box is free for the next.
document.addEventListener("bg:queued", (ev) => {
  if (!ev.target.matches("form[data-ask]")) return;
  asking = Math.max(0, asking - 1); // sent later: "Your questions" (#mine-<id>) tells it is mine
  ev.target.querySelector("textarea").value = "";
  count();
});
// Sent later (by this tab or another): the toast says what the server stored (live.js), and
// "Your questions" shows it as it is now.
document.addEventListener("bg:sent", (ev) => {
  if (ask && ev.detail.item.action === ask.action) refresh("questions", 0, "fresh=1");
});

// Upvotes flip at once; the coalesced tally brings the true count soon after.
document.addEventListener("bg:optimistic", (ev) => {
  const form = ev.target;
  if (form.matches("form[data-ask]")) { newNonce(); asking += 1; return; }
  if (!form.matches("form.qw-vote")) return;
  const id = idOf(form);
  const turnOn = form.querySelector('input[name="on"]').value === "1";
  if (turnOn) voted.add(id); else voted.delete(id);
  const count = form.querySelector("[data-tally]");
  count.textContent = String(Math.max(0, Number(count.textContent) + (turnOn ? 1 : -1)));
  applyState();
});

document.addEventListener("bg:done", (ev) => {
  const form = ev.target;
  const { result } = ev.detail;
  if (form.matches("form.qw-vote")) {
    if (result.ok) { if (result.data.voted) voted.add(idOf(form)); else voted.delete(idOf(form)); }
    else { voted.delete(idOf(form)); announce(result.data.error || ""); refresh("questions", 0, "fresh=1"); }
    applyState();
  } else if (form.matches("form[data-ask]")) {
    asking = Math.max(0, asking - 1);
    if (result.data.id) seenIds.add(String(result.data.id));
    markArrived();
    const text = form.querySelector("textarea");
    const sent = form.querySelector("[data-sent]");
    text.setAttribute("aria-invalid", result.ok ? "false" : "true");
    if (result.ok) {
      text.value = "";
      count();
      sent.textContent = result.data.message;
      refresh("questions", 0, "fresh=1");
    } else {
      sent.textContent = "";
      text.focus();
    }
  } else if (form.matches(".qw-report") && result.ok) {
    const button = form.querySelector("button");
    button.textContent = result.data.label;
    button.disabled = true;
    announce(result.data.message);
  } else if (form.matches(".qw-delete, .undo-form, .qw-report, .qw-promote, .qw-mod")) {
    // A deletion's answer carries "Undo": the toast (a live region) says it already.
    if (!result.data.undo && (result.data.message || result.data.error)) announce(result.data.message || result.data.error);
    refresh("questions", 0, "fresh=1");
  }
});
document.addEventListener("bg:undone", () => refresh("questions", 0, "fresh=1"));

// A question that arrives live from another phone is marked "New" (the list's data-arrived-label),
// as arriving pitches are; the wall reloads whole, so the ids seen before tell which are new.
// Mine ("Your questions", #mine-<id>) are not news to me. The marks last until the page reloads.
const wallList = document.querySelector("[data-live=questions][data-arrived-label]");
const seenIds = new Set([...document.querySelectorAll("[data-question]")].map((el) => el.dataset.question));
const arrived = new Set();
let asking = 0; // my questions on their way: an unseen id may be mine until the answer says
function markArrived() {
  if (!wallList) return;
  for (const el of wallList.querySelectorAll("[data-question]")) {
    const id = el.dataset.question;
    if (!seenIds.has(id) && !asking) {
      seenIds.add(id);
      if (!document.getElementById(`mine-${id}`)) arrived.add(id);
    }
    if (arrived.has(id)) el.dataset.arrived = wallList.dataset.arrivedLabel;
  }
}

document.addEventListener("live:updated", () => { markArrived(); applyState(); });

// How many characters are left (3 to 500).
const textarea = document.querySelector("form[data-ask] textarea");
const counter = document.querySelector("[data-counter]");
function count() {
  if (!textarea || !counter) return;
  const n = textarea.value.trim().length;
  counter.textContent = `${n} / 500`;
  counter.classList.toggle("qw-over", n > 500);
}
if (textarea) textarea.addEventListener("input", count);
count();
applyState();
