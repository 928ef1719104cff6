/* What Kaiku's service workers share (the card's, /k/sw.js, and the desk's, /desk/sw.js):
 * the static files, kept under one versioned cache name, and dropping older versions. */
self.kaikuShell = {
  /* On activation: delete this worker's caches of earlier versions, take the pages over. */
  activate(event, prefix, current) {
    event.waitUntil(
      caches.keys()
        .then((keys) => Promise.all(keys
          .filter((key) => key.startsWith(prefix) && key !== current)
          .map((key) => caches.delete(key))))
        .then(() => self.clients.claim()),
    );
  },
  /* Static files have content-hashed URLs: a stored copy is always right. */
  async staticFile(request, current) {
    const copy = await caches.match(request);
    if (copy) return copy;
    const response = await fetch(request);
    if (response.ok) (await caches.open(current)).put(request, response.clone());
    return response;
  },
};
