/* Kaiku desk service worker: the desk page opens without network once it has been
 * opened with it. The page comes from the network first (the registry decides what it
 * shows); the last copy only when there is none. Logging out deletes the copies. */
importScripts({{ url_for("static", filename="js/sw-shell.js")|tojson }});
const SHELL = "kaiku-desk-{{ version }}";
const PAGE = {{ page|tojson }};

self.addEventListener("install", (event) => {
  // The page too: the worker arrives after the page it was registered from was loaded.
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll([...{{ shell|tojson }}, PAGE])));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => kaikuShell.activate(event, "kaiku-desk-", SHELL));

async function deskPage(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(PAGE, response.clone());
    return response;
  } catch (error) {
    const copy = await cache.match(PAGE);
    if (copy) return copy;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (event.request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(deskPage(event.request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(kaikuShell.staticFile(event.request, SHELL));
  }
});
