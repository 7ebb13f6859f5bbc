// Meet someone new: countdowns (seconds from the server, so a phone's wrong clock doesn't matter),
// reloading the right part when one reaches zero (the server then forms the groups), and quick
// feedback for the round's and buddies' background forms. No text here: it comes from the page.
import { on, refresh, toast, toastAfterLoad } from "./live.js";

const ends = new WeakMap(); // countdown element -> when it reaches zero (this phone's clock)
const fmt = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

function arm(root) {
  for (const el of root.querySelectorAll("[data-countdown]")) {
    if (!ends.has(el)) ends.set(el, Date.now() + Number(el.dataset.countdown) * 1000);
  }
}

function tick() {
  for (const el of document.querySelectorAll("[data-countdown]")) {
    const end = ends.get(el);
    if (end === undefined) continue;
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const text = fmt(left);
    if (el.textContent !== text) el.textContent = text;
    if (left === 0 && !el.dataset.fired) {
      el.dataset.fired = "1";
      // A little spread, so thousands of phones don't ask in the same millisecond.
      refresh(el.dataset.then, Math.random() * 1500, "fresh=1");
    }
  }
}

arm(document);
setInterval(tick, 1000);
document.addEventListener("live:updated", (ev) => arm(ev.target));

// A new round, or its groups formed: my own part of the page follows.
on("changed", (msg) => { if (msg.what === "mixer" && document.querySelector('[data-live="mixme"]')) refresh("mixme", Math.random() * 1000, "fresh=1"); });

// My own channel is joined when the socket connects, by my cookie: a page opened before I had done
// anything here (no attendee yet) reconnects once after my first action, to hear my group and buddy.
const mineBox = document.querySelector('[data-live="mixme"]');
let known = !mineBox || mineBox.dataset.known === "1";
function rejoinOnce() {
  if (known) return;
  known = true;
  const socket = window.barcampSocket;
  if (socket) { socket.disconnect(); socket.connect(); }
}

document.addEventListener("bg:done", (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement)) return;
  const { ok, data } = ev.detail.result;
  if (form.dataset.mixGo) {
    if (!ok) { toast(data.error); return; }
    if (mineBox) { toast(data.message); rejoinOnce(); refresh("mixme", 0, "fresh=1"); return; }
    toastAfterLoad(data.message || "");
    window.location.assign(form.dataset.mixGo);
  } else if (form.matches("[data-mix-form]")) {
    toast(ok ? data.message : data.error);
    if (ok) rejoinOnce();
    refresh("mixme", 0, "fresh=1");
  }
});
