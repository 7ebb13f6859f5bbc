// The projector's lists page instead of running off the screen: each list shows the items that
// fit its box, and turns to the next page every few seconds ("2/3" in its corner).
const LISTS = ".spot-queue, .qw-top, .welcome-rooms ul.rooms, .nnb-list";
const EVERY = 10000;
let turn = 0;

function pagesOf(list, pager = 0) {
  // Greedy: items in order, a new page when the next one would not fit the list's height (less
  // a line for the pager once there are several pages).
  const items = [...list.children];
  items.forEach((li) => { li.hidden = false; });
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

function fit() {
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
