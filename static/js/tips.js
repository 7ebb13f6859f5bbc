// Tips board: keeps my "helpful"/"saved" marks on the shared, live-swapped tip list,
// and gives quick feedback for background forms (post, connect, report).
import { announce, toast, toastAfterLoad } from "./live.js";

const list = document.getElementById("tips-list");
const marks = { helpful: new Set(), saved: new Set() };
const mine = new Set(); // my own tips: "helpful" is for the others' tips
if (list && list.dataset.marks) {
  try {
    const m = JSON.parse(list.dataset.marks);
    m.helpful.forEach((id) => marks.helpful.add(id));
    m.saved.forEach((id) => marks.saved.add(id));
    m.mine.forEach((id) => mine.add(id));
  } catch (e) { /* no marks */ }
}

function applyMarks(root) {
  // The shared partial knows nothing about me: put my state back on its buttons.
  for (const form of root.querySelectorAll("form[data-mark]")) {
    const pressed = marks[form.dataset.mark].has(Number(form.dataset.tip));
    const button = form.querySelector("button[name=on]");
    button.setAttribute("aria-pressed", String(pressed));
    button.value = pressed ? "0" : "1";
    if (form.dataset.mark === "helpful" && mine.has(Number(form.dataset.tip))) button.disabled = true;
  }
}

function setMark(form, on) {
  const set = marks[form.dataset.mark];
  const id = Number(form.dataset.tip);
  if (on) set.add(id); else set.delete(id);
  applyMarks(document);
}

document.addEventListener("click", (ev) => {
  // Send the state we want, not "toggle": a re-sent request must not undo itself.
  const button = ev.target.closest("form[data-mark] button[name=on]");
  if (button) button.value = button.getAttribute("aria-pressed") === "true" ? "0" : "1";
});

document.addEventListener("bg:optimistic", (ev) => {
  const form = ev.target;
  if (!form.matches("form[data-mark]")) return;
  const field = ev.detail.item.fields.find(([name]) => name === "on");
  setMark(form, field && field[1] === "1");
});

document.addEventListener("bg:done", (ev) => {
  const form = ev.target;
  const { ok, data } = ev.detail.result;
  if (form.matches("form[data-mark]")) {
    if (ok) { setMark(form, data.on); return; }
    const field = ev.detail.item.fields.find(([name]) => name === "on");
    setMark(form, !(field && field[1] === "1")); // undo the optimistic change
    announce(data.error || "");
  } else if (form.matches("form[data-tips-post]") && ok) {
    if (data.id) mine.add(data.id);
    form.reset();
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    toast(data.message);
  } else if ((form.matches("form[data-tips-connect]") || form.matches("form[data-tips-report]")) && ok) {
    const note = document.createElement("span");
    note.className = "muted";
    note.setAttribute("role", "status");
    note.textContent = data.message || "";
    form.replaceWith(note);
  }
});

// Deleting one of my tips takes it out of "My tips" at once; "Undo" in the toast puts it back.
const deletedTips = new Map(); // undo URL -> the hidden list item
document.addEventListener("bg:done", (ev) => {
  const form = ev.target;
  const { ok, data } = ev.detail.result;
  if (!form.matches("form[data-tips-delete]") || !ok) return;
  const item = form.closest("li");
  if (item) { item.hidden = true; deletedTips.set(data.undo, item); }
});
// Leaving the board draws the page again (the join form instead of my card), with "Undo" in the toast.
document.addEventListener("bg:done", (ev) => {
  const { ok, data } = ev.detail.result;
  if (!ev.target.matches("form[data-tips-leave]") || !ok) return;
  toastAfterLoad(data.message, data.undo);
  location.assign(ev.target.dataset.next);
});
document.addEventListener("bg:undone", (ev) => {
  const item = deletedTips.get(ev.detail.url);
  if (item && ev.detail.result.ok) { item.hidden = false; deletedTips.delete(ev.detail.url); }
});

document.addEventListener("bg:queued", (ev) => {
  if (ev.target.matches("form[data-tips-post]")) ev.target.reset();
});

document.addEventListener("live:updated", (ev) => {
  if (ev.detail.what === "tips") {
    applyMarks(ev.target);
    if (list) announce(list.dataset.updated);
  }
});

applyMarks(document);
