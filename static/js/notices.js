// Notices about the sessions I said I'd attend ("scheduled", "moved", "removed"), on every
// event page: a phone that stays on the pitch list hears them too. The texts come from the
// page (#notices data-*, translated on the server); the day is named in the page's language.
import { myVotes, on } from "./live.js";

const box = document.getElementById("notices");
const lang = document.documentElement.lang || "en";

function fill(template, values) {
  return Object.entries(values).reduce((text, [k, v]) => text.split(`{${k}}`).join(v ?? ""), template);
}

export function when(m) {
  // Several days: "Sat 10:15" (or the day's own label); one day: just the time.
  if (!m.day) return m.start;
  const weekday = new Intl.DateTimeFormat(lang, { weekday: "short" }).format(new Date(`${m.day}T12:00:00`));
  return `${m.day_label || weekday} ${m.start}`;
}

function notice(text) {
  const p = document.createElement("p");
  p.className = "notice";
  const span = document.createElement("span");
  span.textContent = text;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "secondary small";
  close.textContent = box.dataset.dismiss;
  close.addEventListener("click", () => p.remove());
  p.append(span, " ", close);
  box.append(p);
}

on("changed", (msg) => {
  if (!box || msg.what !== "grid" || !Array.isArray(msg.moved)) return;
  for (const m of msg.moved) {
    if (!myVotes.has(m.pitch_id)) continue;
    const template = m.placed ? box.dataset.placed : m.room ? box.dataset.moved : box.dataset.removed;
    notice(fill(template, { ...m, start: m.room ? when(m) : "" }));
  }
});
