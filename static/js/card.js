/* The holder's card: a live clock that a screenshot can't fake, the status kept
 * fresh when online, and a service worker so the card opens without a network. */
(() => {
  "use strict";

  const card = document.querySelector("[data-card]");
  if (!card) return;
  const live = document.querySelector(".live");
  const clock = card.querySelector("[data-clock]");
  const statusBox = card.querySelector("[data-card-status]");
  const qr = card.querySelector("[data-qr]");
  const offlineNote = card.querySelector("[data-offline-note]");
  const REFRESH_MS = 5 * 60 * 1000;

  /* The time ticks every second; without motion the band changes colour instead. */
  const tick = () => {
    const now = new Date();
    clock.textContent = now.toLocaleTimeString(document.documentElement.lang, {
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    clock.dateTime = now.toISOString();
    live.dataset.tick = now.getSeconds() % 2 ? "odd" : "even";
  };
  tick();
  setInterval(tick, 1000);

  /* Ask the registry again; show what it says, or that we could not ask. */
  async function refresh() {
    try {
      const response = await fetch(card.dataset.statusUrl, { cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      statusBox.innerHTML = await response.text();
      offlineNote.hidden = true;
      if (qr) qr.hidden = statusBox.querySelector("[data-usable]").dataset.usable !== "yes";
    } catch (error) {
      offlineNote.hidden = false;
    }
  }
  refresh();
  setInterval(refresh, REFRESH_MS);
  window.addEventListener("online", refresh);
  window.addEventListener("offline", () => (offlineNote.hidden = false));

  if (card.dataset.offlineUrl && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(card.dataset.offlineUrl, { scope: "/k/" }).catch(() => {});
    /* One visit is enough: the worker keeps this page, and the page in each language. */
    navigator.serviceWorker.ready.then((registration) => {
      const languages = [...document.querySelectorAll(".languages a")].map((link) => link.href);
      registration.active.postMessage({ keep: [location.href, ...languages] });
    });
  }
})();
