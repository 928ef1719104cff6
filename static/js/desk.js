/* Kaiku ticket desk: camera, keyboard scanner and typed numbers, one result screen.
 *
 * The page works without this script (plain form posts). With it, the same forms
 * are posted with fetch and "X-Requested-With: fetch"; the server answers with the
 * HTML fragment to show, so every verdict is rendered (and translated) server-side.
 */
(() => {
  "use strict";

  const desk = document.querySelector("[data-desk]");
  if (!desk) return;

  const TEXT = JSON.parse(document.getElementById("desk-text").textContent);
  const RETRY_MS = 2000;
  const store = window.KaikuScanner.deviceStore("desk");

  const $ = (selector, root = desk) => root.querySelector(selector);
  const checkForm = $("[data-check-form]");
  const codeInput = $("#code");
  const codeHint = $("[data-code-hint]");
  const eventSelect = $("[data-event]");
  const resultArea = $("[data-result-area]");
  const result = $("[data-result]");
  const nextButton = $("[data-next]");
  const announcer = $("[data-announce]");


  /* ---- feedback: colour and word come from the fragment; add sound and vibration ---- */
  let audio;
  const soundOn = () => store.get("sound", "1") === "1";
  function tone(frequency, seconds, type, at = 0) {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = type;
    oscillator.frequency.value = frequency;
    gain.gain.value = 0.2;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(audio.currentTime + at);
    oscillator.stop(audio.currentTime + at + seconds);
  }
  function feedback(status) {
    if (!soundOn()) return;
    const good = status === "valid" || status === "recorded";
    const warning = ["already_used", "quota_full", "check"].includes(status);
    try {
      if (good) {
        tone(880, 0.09, "sine");
        tone(1320, 0.12, "sine", 0.11);
      } else if (warning) {
        tone(440, 0.35, "triangle");
      } else {
        tone(196, 0.6, "square");
      }
    } catch (error) {
      /* no audio on this device: the screen still says it all */
    }
    if (navigator.vibrate) navigator.vibrate(good ? 80 : warning ? [150, 80, 150] : [400, 120, 400]);
  }

  /* ---- the result screen ---- */
  function showResult(html, frameTime) {
    result.innerHTML = html;
    if ($("[data-retype]", result)) return askToCorrect();
    openOverlay();
    nextButton.hidden = false;
    enhanceSteppers(result);
    const section = $("[data-status]", result);
    const status = section ? section.dataset.status : "error";
    if (frameTime !== undefined) {
      performance.measure("kaiku-scan", { start: frameTime, end: performance.now() });
    }
    announcer.textContent = "";
    // The word and the message, not the icon beside them (a screen reader would read "!").
    const said = section ? [".result-word", ".result-message", "#typed-note"] : [];
    announcer.textContent = said.map((part) => $(part, section))
      .filter(Boolean).map((part) => part.textContent.trim()).join(". ");
    feedback(status);
    const recordButton = $("[data-record-button]", result);
    // At once only for a signed code (camera or scanner), never for a typed number.
    const signed = !$("#typed-note", result);
    if (status === "valid" && signed && $("[data-setting=instant]").checked) {
      $("[data-record]", result).requestSubmit();
    } else {
      (recordButton || nextButton).focus({ preventScroll: true });
    }
    return status;
  }

  /* A typed number with a typo (or that no card has): said right under the field, which
   * keeps what was typed, selected for correcting. Not a full-screen refusal. */
  function askToCorrect() {
    closeOverlay(); // (when the number was typed on a refused code's screen)
    const said = [".result-word", ".result-message"]
      .map((part) => $(part, result).textContent.trim()).join(": ");
    result.innerHTML = "";
    codeHint.textContent = said; // a live region: read out as it changes
    codeHint.className = "hint hint-bad";
    codeInput.setAttribute("aria-invalid", "true");
    feedback("check");
    codeInput.focus();
    codeInput.select();
    camera.resume();
    return "check";
  }
  function clearCorrection() {
    codeInput.removeAttribute("aria-invalid");
  }
  codeInput.addEventListener("input", clearCorrection);

  /* While a result fills the screen, nothing behind it takes focus. */
  const behind = () => [...document.querySelectorAll("body > header, body > footer, .skip-link"),
    ...desk.children]
    .filter((element) => element && element !== resultArea && element !== announcer &&
      element.tagName !== "SCRIPT");
  function openOverlay() {
    resultArea.classList.add("open");
    document.body.classList.add("result-open");
    behind().forEach((element) => (element.inert = true));
  }

  function closeOverlay() {
    behind().forEach((element) => (element.inert = false));
    resultArea.classList.remove("open");
    document.body.classList.remove("result-open");
    nextButton.hidden = true;
  }

  function closeResult() {
    stopRetrying();
    closeOverlay();
    result.innerHTML = "";
    codeInput.value = "";
    showHint();
    codeInput.focus();
    camera.resume();
  }

  function showOffline(retry) {
    result.innerHTML = "";
    const section = document.createElement("section");
    section.className = "result result-offline";
    section.dataset.status = "offline";
    section.innerHTML =
      '<p class="result-headline"><span class="result-icon" aria-hidden="true">↻</span>' +
      '<strong class="result-word"></strong></p><p class="result-message"></p>' +
      '<p class="offline-buttons"><button type="button" class="primary" data-retry></button> ' +
      '<button type="button" class="secondary" data-cancel></button></p>';
    $(".result-word", section).textContent = TEXT.offlineWord;
    $(".result-message", section).textContent = TEXT.offline;
    $("[data-retry]", section).textContent = TEXT.retryNow;
    $("[data-cancel]", section).textContent = TEXT.cancel;
    $("[data-retry]", section).addEventListener("click", () => retry());
    $("[data-cancel]", section).addEventListener("click", closeResult);
    result.append(section);
    openOverlay();
    nextButton.hidden = true;
    announcer.textContent = TEXT.offlineWord + ". " + TEXT.offline;
    $("[data-retry]", section).focus({ preventScroll: true });
    feedback("offline");
  }

  /* ---- talking to the server: same form data on every retry, so the same nonce ---- */
  let retryTimer;
  let delivery = 0; // only the latest request's answer is ever shown
  let pendingRecord = false; // a record the server has not confirmed yet
  const stopRetrying = () => {
    clearTimeout(retryTimer);
    delivery += 1;
    pendingRecord = false;
  };

  async function send(url, body) {
    const response = await fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (response.redirected && new URL(response.url).pathname === "/login") {
      alert(TEXT.loggedOut);
      window.location.reload();
      throw new Error("logged out");
    }
    if (response.status >= 500) throw new Error("server error " + response.status);
    return response.text();
  }

  /* Post until the server answers; show the answer, never a guess. */
  function deliver(url, body, { frameTime, record = false } = {}) {
    stopRetrying();
    const mine = delivery;
    pendingRecord = record;
    let busy = false; // one attempt in flight at a time, however often "Try again" is pressed
    const attempt = async () => {
      if (busy) return;
      busy = true;
      clearTimeout(retryTimer);
      try {
        const html = await send(url, body);
        if (mine !== delivery) return; // a newer scan or a cancel came first
        pendingRecord = false;
        const status = showResult(html, frameTime);
        if (status === "recorded") refreshUses();
      } catch (error) {
        if (mine !== delivery || error.message === "logged out") return;
        showOffline(attempt);
        retryTimer = setTimeout(attempt, RETRY_MS);
      } finally {
        busy = false;
      }
    };
    return attempt();
  }

  function check(code, frameTime) {
    codeInput.value = code;
    const body = new FormData(checkForm);
    camera.pause();
    return deliver(checkForm.action, body, { frameTime });
  }

  async function refreshUses() {
    try {
      const response = await fetch(desk.dataset.usesUrl, { credentials: "same-origin" });
      if (response.ok) $("[data-uses]").outerHTML = await response.text();
    } catch (error) {
      /* the list refreshes with the next result */
    }
  }

  /* ---- forms ---- */
  checkForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = codeInput.value.trim();
    if (code) check(code);
  });

  desk.addEventListener("submit", async (event) => {
    const form = event.target;
    if (form.matches("[data-record]")) {
      event.preventDefault();
      $("[data-record-button]", form).disabled = true;
      deliver(form.action, new FormData(form), { record: true });
    } else if (form.matches("[data-retype-form]")) {
      event.preventDefault(); // the number printed on a card whose code can't be trusted
      const typed = form.elements.code.value.trim();
      if (typed) check(typed);
    } else if (form.matches("[data-undo]")) {
      event.preventDefault();
      try {
        const html = await send(form.action, new FormData(form));
        const fromResult = Boolean(form.closest("[data-result]"));
        $("[data-uses]").outerHTML = html;
        if (fromResult) closeResult();
        const notice = $("[data-uses] .notice");
        if (notice) {
          notice.tabIndex = -1;
          notice.focus();
        }
      } catch (error) {
        if (error.message !== "logged out") showOffline(() => form.requestSubmit());
      }
    }
  });

  nextButton.addEventListener("click", closeResult);
  document.addEventListener("keydown", (event) => {
    if (!resultArea.classList.contains("open")) return;
    if (event.key === "Escape" && !pendingRecord) {
      closeResult();
      return;
    }
    // A keyboard scanner starts typing the next code while a result is shown.
    const typing = event.key.length === 1 && event.key !== " " &&
      !event.ctrlKey && !event.metaKey && !event.altKey;
    const onControl = event.target.matches("input, select, textarea");
    if (typing && !onControl && !pendingRecord) {
      event.preventDefault();
      closeResult();
      codeInput.value = event.key;
    }
  });

  /* Steppers: large − and + around a number field; a button at its end looks and is
     announced as unavailable (aria-disabled keeps it focusable). */
  function enhanceSteppers(root) {
    const showEnds = (input) => {
      const value = Number(input.value || 0);
      root.querySelectorAll(`[aria-controls="${input.id}"]`).forEach((button) => {
        const up = Number(button.dataset.step) > 0;
        const atEnd = up ? value >= Number(input.max) : value <= Number(input.min);
        button.setAttribute("aria-disabled", String(atEnd));
      });
    };
    root.querySelectorAll("[data-step]").forEach((button) => {
      const input = document.getElementById(button.getAttribute("aria-controls"));
      button.hidden = false;
      button.addEventListener("click", () => {
        const next = Number(input.value || 0) + Number(button.dataset.step);
        input.value = Math.min(Number(input.max), Math.max(Number(input.min), next));
        showEnds(input);
      });
      input.addEventListener("input", () => showEnds(input));
      showEnds(input);
    });
  }
  enhanceSteppers(result);

  /* Typed numbers: say at once when the check symbol doesn't match (numbers.js). */
  const showHint = window.kaikuNumbers.liveHint(codeInput, codeHint);

  /* Settings and the event, remembered on this device. */
  desk.querySelectorAll("[data-setting]").forEach((box) => {
    const name = box.dataset.setting;
    box.checked = store.get(name, box.checked ? "1" : "0") === "1";
    box.addEventListener("change", () => store.set(name, box.checked ? "1" : "0"));
  });
  $("[data-settings]").hidden = false;
  const savedEvent = store.get("event", null);
  if (savedEvent !== null && [...eventSelect.options].some((o) => o.value === savedEvent)) {
    eventSelect.value = savedEvent;
  }
  eventSelect.addEventListener("change", () => store.set("event", eventSelect.value));

  /* ---- the camera (static/js/scanner.js) ---- */
  const camera = window.KaikuScanner.attach($("[data-scanner]"), {
    name: "desk",
    onCode: (code, frameTime) => check(code, frameTime),
  });
})();
