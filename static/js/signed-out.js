/* After a logout: forget the card pages kept for offline use on this device (a desk may
 * have opened cards), and nothing else: other stored data, such as a later outbox of
 * uses not yet sent, is never discarded here. */
(() => {
  "use strict";
  if (document.querySelector(".flash-signed-out") && "caches" in window) {
    caches.delete("kaiku-cards").catch(() => {});
  }
})();
