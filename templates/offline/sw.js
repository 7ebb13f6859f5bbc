// The phone's copy of one event, for when the venue Wi-Fi fails. Pages come from the network
// when it answers and from the last copy this phone kept when it doesn't; fingerprinted static
// files come from the cache. Only the allow-listed attendee pages are kept, and only responses
// the server marked keepable. Each deploy is a new worker with its own caches; the old ones go.
self.BARCAMP = {{ settings }};
const C = self.BARCAMP;
const PREFIX = `barcamp ${C.scope} `;
const SHELL = `${PREFIX}shell ${C.build}`;
const PAGES = `${PREFIX}pages ${C.build}`;
const PATHS = new Set(C.pages.map((u) => new URL(u, self.location).pathname));
const SLOW = 4000; // ms a page may take before the phone shows its kept copy instead

const keepable = (res) => res.ok && res.type === "basic" && !res.redirected
  && res.headers.get(C.keep) === "cache" && !/no-store/.test(res.headers.get("Cache-Control") || "");
const immutable = (res) => res.ok && /immutable/.test(res.headers.get("Cache-Control") || "");
const ours = (url) => url.origin === self.location.origin && (url.pathname === C.scope || url.pathname.startsWith(`${C.scope}/`));

// A worker that a new deploy replaced still serves the pages it controls for a moment: it must not
// bring back the caches the new worker dropped (caches.open creates a missing one). Install makes
// both caches; afterwards they are only used while they still exist.
async function existing(name) {
  return (await caches.has(name)) ? caches.open(name) : null;
}

async function keepPage(url) {
  try {
    const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (keepable(res)) await (await caches.open(PAGES)).put(url, res);
  } catch (e) { /* offline while installing: kept when next seen */ }
}

self.addEventListener("install", (ev) => {
  ev.waitUntil((async () => {
    const shell = await caches.open(SHELL);
    await caches.open(PAGES);
    await Promise.all(C.shell.map(async (url) => {
      try { const res = await fetch(url); if (immutable(res)) await shell.put(url, res); } catch (e) { /* kept when used */ }
    }));
    await Promise.all(C.pages.map(keepPage));
    await self.skipWaiting(); // a new deploy takes over at once: pages come from the network anyway
  })());
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== SHELL && name !== PAGES) await caches.delete(name);
    }
    await self.clients.claim();
    // Pages still open from an older build must not run against the new server: tell them.
    for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage({ build: C.build });
  })());
});

// A kept page, marked as a copy (the page then shows when it is from and resyncs once online).
async function keptCopy(url) {
  const cache = await existing(PAGES);
  if (!cache) return null;
  const hit = (await cache.match(url)) || (await cache.match(url, { ignoreSearch: true }));
  if (!hit) return null;
  const html = (await hit.text()).replace('data-copy="live"', 'data-copy="kept"');
  const headers = new Headers(hit.headers); // its Content-Security-Policy too
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
}

async function page(request) {
  const url = new URL(request.url);
  url.hash = "";
  const network = fetch(request).then(async (res) => {
    const cache = PATHS.has(url.pathname) && keepable(res) ? await existing(PAGES) : null;
    if (cache) await cache.put(url.href, res.clone());
    return res;
  });
  // Flaky Wi-Fi: a network that neither answers nor fails soon is as good as none.
  const slow = new Promise((resolve) => { setTimeout(resolve, SLOW, "slow"); });
  network.catch(() => { /* answered from the copy */ });
  try {
    const first = await Promise.race([network, slow]);
    if (first !== "slow" && first.status < 500) return first;
    const copy = await keptCopy(url.href); // no answer soon, or the server failed: the copy
    return copy || (await network);
  } catch (e) {
    const copy = await keptCopy(url.href);
    if (copy) return copy;
    throw e;
  }
}

async function shellFile(request) {
  const cache = await existing(SHELL);
  const hit = cache && (await cache.match(request));
  if (hit) return hit;
  const res = await fetch(request);
  // Only what the server vouches for under this URL: an old page asking for a file by an old
  // fingerprint gets today's bytes with no long cache, and those must not be kept under it.
  if (cache && immutable(res)) await cache.put(request, res.clone());
  return res;
}

self.addEventListener("fetch", (ev) => {
  const { request } = ev;
  if (request.method !== "GET") return; // votes, pitches, questions: the page's outbox handles those
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && ours(url) && PATHS.has(url.pathname)) ev.respondWith(page(request));
  else if (url.pathname.startsWith(C.static) && url.searchParams.has("v")) ev.respondWith(shellFile(request));
});
