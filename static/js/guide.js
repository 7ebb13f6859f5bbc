// The first-visit guide: one card at a time, "Next" until the last, "Skip" any time.
const guide = document.querySelector("[data-guide]");
if (guide) {
  const cards = [...guide.querySelectorAll(".guide-card")];
  const next = guide.querySelector("[data-guide-next]");
  const skip = guide.querySelector("[data-guide-skip]");
  const onHome = Boolean(document.querySelector("[data-my-votes]"));
  let step = 0;
  const show = () => {
    cards.forEach((c, i) => { c.hidden = i !== step; });
    next.hidden = step >= cards.length - 1;
    skip.querySelector("button").textContent = step >= cards.length - 1
      ? (document.documentElement.lang === "de" ? "Los geht's" : "Let's go")
      : (document.documentElement.lang === "de" ? "Überspringen" : "Skip the guide");
  };
  next.addEventListener("click", () => { step += 1; show(); cards[step].querySelector("h3").focus(); });
  cards.forEach((c) => c.querySelector("h3").setAttribute("tabindex", "-1"));
  skip.addEventListener("submit", () => {
    if (onHome) guide.hidden = true; else window.location.assign(`/e/${document.body.dataset.event}`);
  });
  show();
}
