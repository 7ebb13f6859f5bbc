// The event's branding, live: when the organiser sets or removes the logo or the accent colour,
// every open page swaps in the new stylesheet and logo (barcamp/branding/domain.py announces them).
import { on } from "./live.js";

function stylesheet(url) {
  let link = document.querySelector("link[data-brand-css]");
  if (!url) { if (link) link.remove(); return; }
  if (!link) {
    link = document.createElement("link");
    link.rel = "stylesheet";
    link.dataset.brandCss = "";
    document.head.appendChild(link);
  }
  if (link.getAttribute("href") !== url) link.href = url;
}

// One logo <img> of class ``cls`` at the start of ``box`` (the header's brand link, the projector's side).
function logo(box, cls, url, alt) {
  if (!box) return;
  let img = box.querySelector(`img.${cls}`);
  if (!url) { if (img) img.remove(); return; }
  if (!img) {
    img = document.createElement("img");
    img.className = cls;
    img.alt = alt;
    box.prepend(img);
  }
  if (img.getAttribute("src") !== url) img.src = url;
}

on("changed", (msg) => {
  if (msg.what !== "brand") return;
  stylesheet(msg.css_url);
  logo(document.querySelector("header .brand"), "brand-logo", msg.logo_url, "");
  const side = document.querySelector(".stage-side");
  logo(side, "stage-logo", msg.logo_url, side ? side.dataset.logoAlt : "");
});
