// Copy buttons: [data-copy] names the link whose address it copies; the confirmation text is
// the button's data-copied (the server's words). Without JS (or clipboard) the buttons stay hidden.
// Also print buttons, below.
import { toast } from "./live.js";

for (const button of document.querySelectorAll("[data-copy]")) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const link = document.querySelector(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(link.href);
      toast(button.dataset.copied);
    } catch (e) { /* no permission: the link stays there to copy by hand */ }
  });
}

// Print buttons ([data-print], e.g. the recap's "Print or save as PDF"): hidden without JS.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
