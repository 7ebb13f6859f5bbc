// The first-visit guide: one card at a time, "Next" until the last, "Skip" any time.
const guide = document.querySelector("[data-guide]");
if (guide) {
  const cards = [...guide.querySelectorAll(".guide-card")];
  const next = guide.querySelector("[data-guide-next]");
  const skip = guide.querySelector("[data-guide-skip]");
  const onHome = Boolean(document.querySelector("[data-my-pitches]"));
  let step = 0;
  const show = () => {
    cards.forEach((c, i) => { c.hidden = i !== step; });
    next.hidden = step >= cards.length - 1;
    const button = skip.querySelector("button");
    button.textContent = step >= cards.length - 1 ? button.dataset.last : button.dataset.skip;
  };
  next.addEventListener("click", () => { step += 1; show(); cards[step].querySelector("h3").focus(); });
  cards.forEach((c) => c.querySelector("h3").setAttribute("tabindex", "-1"));
  skip.addEventListener("submit", () => {
    if (onHome) guide.hidden = true; else window.location.assign(guide.dataset.home);
  });
  show();
}
