// The projector's lists page instead of running off the screen: each list shows the items that
// fit its box, and turns to the next page every few seconds ("2/3" in its corner).
import { fitWords } from "./words.js";

const LISTS = ".spot-queue, .qw-top, .welcome-rooms ul.rooms, .nnb-list";
const EVERY = 10000;
let turn = 0;

function pagesOf(list, pager = 0) {
  // Greedy: items in order, a new page when the next one would not fit the list's height (less
  // a line for the pager once there are several pages).
  const items = [...list.children];
  items.forEach((li) => { li.hidden = false; });
  fitWords(list);
  const room = list.clientHeight - pager;
  const pages = [];
  let top = null;
  for (const li of items) {
    const bottom = li.offsetTop + li.offsetHeight;
    if (top === null || bottom - top > room) { pages.push([]); top = li.offsetTop; }
    pages[pages.length - 1].push(li);
  }
  if (pages.length > 1 && !pager) return pagesOf(list, 1.5 * parseFloat(getComputedStyle(list).fontSize));
  return pages;
}

// A big title (a long pitch title beside the pitch timer, a long event name) that would push the
// stage past the screen's bottom gets smaller in steps, down to a little over body size.
const TITLES = ".spot-title, .stage-title, .qw-pinned-text";

function fitTitles(main) {
  const titles = [...main.querySelectorAll(TITLES)];
  titles.forEach((el) => { el.style.fontSize = ""; });
  const least = 1.15 * parseFloat(getComputedStyle(main).fontSize);
  for (const el of titles) {
    let size = parseFloat(getComputedStyle(el).fontSize);
    while (main.scrollHeight > main.clientHeight + 1 && size * 0.9 >= least) {
      size *= 0.9;
      el.style.fontSize = `${size}px`;
    }
  }
}

function fit() {
  const main = document.querySelector(".stage-main");
  if (!main) return;
  fitWords(main); // not the join URL beside it: a hyphen in a URL would mislead
  fitTitles(main);
  for (const list of document.querySelectorAll(LISTS)) {
    const pages = pagesOf(list);
    const n = pages.length ? turn % pages.length : 0;
    pages.forEach((page, i) => page.forEach((li) => { li.hidden = i !== n; }));
    if (pages.length > 1) list.dataset.fitPage = `${n + 1}/${pages.length}`;
    else delete list.dataset.fitPage;
  }
}

fit();
setInterval(() => { turn += 1; fit(); }, EVERY);
window.addEventListener("resize", fit);
document.addEventListener("live:updated", fit);
