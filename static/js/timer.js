// The pitch timer: every screen counts down to the same server time. The server's clock is
// read once per change (NTP-like, halfway through the round trip), so a late joiner shows the
// same second. A console with "next pitch when time is out" tells the server when time is up.
import { on, post, refresh } from "./live.js";

let state = null;
let offset = 0; // server clock minus this clock, in ms
let asked = null; // the end time we already reported as expired

async function sync() {
  const el = document.querySelector("[data-timer]");
  if (!el) return;
  const t0 = Date.now();
  try {
    const res = await fetch(el.dataset.timerUrl, { headers: { Accept: "application/json" }, cache: "no-store" });
    const data = await res.json();
    const t1 = Date.now();
    offset = data.now - (t0 + t1) / 2;
    state = data;
  } catch (e) { /* offline: keep counting from what we knew */ }
}

const show = (ms) => { const s = Math.ceil(ms / 1000); return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`; };

function tick() {
  if (!state) return;
  const left = state.ends_at ? Math.max(0, state.ends_at - (Date.now() + offset)) : state.left;
  for (const el of document.querySelectorAll("[data-timer]")) {
    el.querySelector("[data-timer-digits]").textContent = show(left);
    el.dataset.phase = left <= 0 ? "over" : left <= 10000 ? "last" : "on";
    el.dataset.state = state.ends_at ? "running" : "paused";
    const note = el.querySelector("[data-timer-note]");
    if (note) note.hidden = left > 0;
  }
  const expire = document.querySelector("[data-timer-expire]");
  if (expire && state.ends_at && state.auto_next && left <= 0 && asked !== state.ends_at) {
    asked = state.ends_at;
    post(expire.dataset.timerExpire, [["timer", "expired"], ["ends", String(state.ends_at)]]).catch(() => {});
  }
}

// A projector may switch to the pitches mode later: then the timer appears with the swapped-in part.
on("changed", (msg) => {
  if (msg.what === "pitchtimer") sync();
  if (msg.what === "spotlight" && document.querySelector("[data-live=pitchtimer]")) refresh("pitchtimer", 100, "fresh=1");
});
on("resync", sync);
document.addEventListener("live:updated", () => { if (!state) sync(); });
sync();
setInterval(tick, 200);
