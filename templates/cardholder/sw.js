/* Kaiku card service worker: the card opens with no network at all. */
importScripts({{ url_for("static", filename="js/sw-shell.js")|tojson }});
const SHELL = "kaiku-shell-{{ version }}";
const CARDS = "kaiku-cards";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll({{ shell|tojson }})));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => kaikuShell.activate(event, "kaiku-shell-", SHELL));

/* The card page: the network first (the registry decides), the last copy without it.
 * Only the holder's own page is kept, as the server marks it: never a logged-in desk's
 * view of a card (staff e-mail, CSRF token, record form). */
const [MARK, HOLDER_CARD] = {{ marker|tojson }};
async function cardPage(request) {
  const cache = await caches.open(CARDS);
  try {
    return await fetchAndKeep(cache, request);
  } catch (error) {
    const copy = await cache.match(request, { ignoreVary: true });
    if (copy) return copy;
    throw error;
  }
}

/* Asks with the kept copy's version (If-None-Match): an unchanged card costs a 304 of a
 * few hundred bytes, and the kept copy is shown (its script refreshes the time at once). */
async function fetchAndKeep(cache, request) {
  const copy = await cache.match(request, { ignoreVary: true });
  const version = copy && copy.headers.get("ETag");
  const asked = version
    ? new Request(request.url, { headers: { "If-None-Match": version }, credentials: "same-origin" })
    : request;
  const response = await fetch(asked, { cache: "no-store" });
  if (response.status === 304 && copy && response.headers.get(MARK) === HOLDER_CARD) return copy;
  if (response.ok && response.headers.get(MARK) === HOLDER_CARD) {
    await cache.put(request, response.clone());
  } else {  // not the holder's own page (a desk's view): keep no copy of this card at all
    await cache.delete(request, { ignoreSearch: true });
  }
  return response;
}

/* The first visit comes before this worker does: the page then asks it to keep that page
 * and the same page in the other languages (each fetched once, when not kept yet). */
self.addEventListener("message", (event) => {
  const pages = (event.data && event.data.keep) || [];
  event.waitUntil((async () => {
    const cache = await caches.open(CARDS);
    for (const page of pages) {
      const url = new URL(page, self.location.origin);
      if (url.origin !== self.location.origin || !url.pathname.startsWith("/k/")) continue;
      if (await cache.match(url.href, { ignoreVary: true })) continue;
      await fetchAndKeep(cache, new Request(url.href, { credentials: "same-origin" })).catch(() => {});
    }
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (event.request.mode === "navigate" && url.pathname.startsWith("/k/")) {
    event.respondWith(cardPage(event.request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(kaikuShell.staticFile(event.request, SHELL));
  }
});
