/* Kaiku ticket desk: camera, keyboard scanner and typed numbers, one result screen.
 *
 * The page works without this script (plain form posts). With it, the same forms
 * are posted with fetch and "X-Requested-With: fetch"; the server answers with the
 * HTML fragment to show, so every verdict is rendered (and translated) server-side.
 * Without network the desk answers from its snapshot of the registry and keeps uses in
 * its outbox (static/js/offline.js), in the words the page brought (#desk-text).
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

  /* Post until the server answers, and show its answer; with no network at all, the
   * desk's own (``onOffline``), which says plainly that the registry has not confirmed. */
  function deliver(url, body, { frameTime, record = false, onOffline = null, onRecorded } = {}) {
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
        if (status === "recorded") {
          refreshUses();
          if (onRecorded) onRecorded();
        }
      } catch (error) {
        if (mine !== delivery || error.message === "logged out") return;
        if (onOffline) {
          pendingRecord = false;
          onOffline();
          return;
        }
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
    return deliver(checkForm.action, body, { frameTime, onOffline: () => judgeOffline(code) });
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
      const fields = Object.fromEntries(new FormData(form)); // the same nonce, if it landed
      deliver(form.action, new FormData(form), {
        record: true,
        onOffline: () => save(fields),
        onRecorded: () => offline.remember(fields),
      });
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

  /* ---- without network (static/js/offline.js) ---- */
  const offline = window.KaikuOffline;
  const csrfToken = $("input[name=csrf_token]", checkForm).value;
  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name]);
  const dashed = (number) => (number && number.length === 9
    ? number.match(/.{3}/g).join("-") : number);
  let device = null;

  function showSnapshotAge() {
    const line = $("[data-snapshot-status]");
    const age = offline.ageHours();
    line.hidden = false;
    line.classList.toggle("snapshot-old", age === null || offline.tooOld());
    if (age === null) {
      line.textContent = TEXT.noSnapshot;
      return;
    }
    if (age < 1 / 60 && !offline.tooOld()) {
      line.textContent = TEXT.snapshotNew;
      return;
    }
    const said = age < 1 ? fill(TEXT.minutes, { n: Math.floor(age * 60) })
      : fill(TEXT.hours, { n: Math.floor(age) });
    line.textContent = fill(offline.tooOld() ? TEXT.snapshotOld : TEXT.snapshotAge, { age: said });
  }
  async function refreshSnapshot() {
    try {
      await offline.refresh(desk.dataset.snapshotUrl);
    } catch (error) {
      /* no network: the copy kept (and its age) stays */
    }
    showSnapshotAge();
  }

  /* The snapshot's verdict for a code: the server's words, marked "checked offline". */
  async function judgeOffline(code) {
    const verdict = await offline.judge(code, eventSelect.value, await offline.ownUses());
    const { status } = verdict;
    const unsure = status === "unconfirmed" || status === "stale";
    const section = document.createElement("section");
    section.className = `result result-${unsure ? "check" : status} result-offline-verdict`;
    section.dataset.status = "offline-" + status;
    section.innerHTML = '<p class="result-headline"><span class="result-icon" aria-hidden="true">' +
      '</span><strong class="result-word"></strong></p><p class="result-message"></p>';
    $(".result-icon", section).textContent = status === "valid" ? "✓"
      : unsure ? "?" : ["already_used", "quota_full"].includes(status) ? "!" : "✕";
    $(".result-word", section).textContent = unsure ? TEXT.unconfirmedWord
      : `${TEXT.words[status]} (${TEXT.checkedOffline})`;
    $(".result-message", section).textContent = unsure ? TEXT[status]
      : TEXT.messages[status === "invalid" ? verdict.reason : status];
    if (verdict.number) {
      const facts = document.createElement("p");
      facts.className = "number";
      facts.textContent = dashed(verdict.number);
      section.append(facts);
    }
    if (status === "valid" || unsure) section.append(offlineForm(code, verdict));
    result.innerHTML = "";
    result.append(section);
    showResultScreen(section, status === "valid" ? "valid" : unsure ? "check" : status);
  }

  /* The record form of an offline verdict: the snapshot's allowance (unknown: up to the
   * most any card gives, and the registry judges it when the use is sent). */
  function offlineForm(code, verdict) {
    const form = $("[data-offline-record]").content.firstElementChild.cloneNode(true);
    const group = verdict.group || { children: 9, clients: 0 };
    const left = verdict.left ?? null;
    const cap = (most) => (left === null ? most : Math.max(0, Math.min(most, left - 1)));
    [["children", cap(group.children || 0)], ["clients", cap(group.clients || 0)]]
      .forEach(([name, most]) => {
        const input = $(`#offline-${name}`, form);
        input.max = most;
        if (!most) input.closest(".stepper").hidden = true;
      });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      $("[data-record-button]", form).disabled = true;
      save({
        code,
        children: $("#offline-children", form).value,
        clients: $("#offline-clients", form).value,
        assistant: $("#offline-assistant", form).value,
        entry: verdict.entry,
        number: verdict.number,
      });
    });
    return form;
  }

  function showResultScreen(section, status) {
    openOverlay();
    nextButton.hidden = false;
    enhanceSteppers(section);
    announcer.textContent = "";
    announcer.textContent = [".result-word", ".result-message"]
      .map((part) => $(part, section).textContent.trim()).join(". ");
    feedback(status);
    ($("[data-record-button]", section) || nextButton).focus({ preventScroll: true });
  }

  /* Keep a use in the outbox: "saved on this device, not yet confirmed", never green. */
  async function save(fields) {
    const kind = $("[data-kind]");
    const category = $("#category", checkForm);
    await offline.keep({
      nonce: fields.nonce || crypto.randomUUID(),
      code: fields.code,
      children: Number(fields.children || 0),
      clients: Number(fields.clients || 0),
      assistant: String(fields.assistant) === "1",
      event: fields.event ?? (eventSelect.value || null),
      kind: fields.kind || kind.value,
      category: category ? category.value : null,
      recorded_at: new Date().toISOString(),
      device: device || (device = await offline.deviceId()),
      state: "waiting",
      entry: fields.entry || (await offline.entryFor(fields.code)),
      number: fields.number || (offline.tokenIn(fields.code) || "").split("-")[0] || null,
      day: offline.localDay(),
    });
    const section = document.createElement("section");
    section.className = "result result-offline";
    section.dataset.status = "saved";
    section.innerHTML = '<p class="result-headline"><span class="result-icon" aria-hidden="true">' +
      '↻</span><strong class="result-word"></strong></p><p class="result-message"></p>';
    $(".result-word", section).textContent = TEXT.savedWord;
    $(".result-message", section).textContent = TEXT.saved;
    result.innerHTML = "";
    result.append(section);
    showResultScreen(section, "offline");
    await showOutbox();
    sendOutbox();
  }

  /* The outbox as a list staff can act on: each use waiting, confirmed or refused. */
  async function showOutbox() {
    const uses = await offline.outbox();
    const list = $("[data-outbox-list]");
    $("[data-outbox]").hidden = uses.length === 0;
    list.innerHTML = "";
    const counts = { waiting: 0, confirmed: 0, refused: 0 };
    uses.forEach((use) => {
      counts[use.state] += 1;
      const item = document.createElement("li");
      item.className = "outbox-" + use.state;
      item.dataset.state = use.state;
      const time = new Date(use.recorded_at).toLocaleTimeString(document.documentElement.lang,
        { hour: "2-digit", minute: "2-digit" });
      const tickets = [use.children && fill(TEXT.children, { n: use.children }),
        use.clients && fill(TEXT.clients, { n: use.clients }), use.assistant && TEXT.assistant]
        .filter(Boolean).join(", ");
      const card = (use.answer && use.answer.card) || dashed(use.number) || TEXT.typedCode;
      const text = document.createElement("span");
      text.textContent = `${time} ${card}${tickets ? ` (${tickets})` : ""}: ${TEXT[use.state]}` +
        (use.state === "refused" && use.answer.message ? `. ${use.answer.message}` : "");
      item.append(text);
      if (use.state === "confirmed" && new Date(use.answer.undo_until) > new Date()) {
        item.append(" ", button(TEXT.undo, () => undoConfirmed(use)));
      }
      if (use.state !== "waiting") {
        item.append(" ", button(TEXT.dismiss, async () => {
          await offline.drop(use.nonce);
          showOutbox();
        }));
      }
      list.append(item);
    });
    $("[data-outbox-summary]").textContent = fill(TEXT.summary, counts);
  }
  function button(label, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "secondary";
    element.textContent = label;
    element.addEventListener("click", action);
    return element;
  }
  async function undoConfirmed(use) {
    try {
      const response = await fetch(`${desk.dataset.apiUsesUrl}/${use.answer.id}`, {
        method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken },
      });
      if (response.ok) await offline.drop(use.nonce);
    } catch (error) {
      /* no network: it stays in the list, to undo while the window lasts */
    }
    showOutbox();
    refreshUses();
  }

  let sending = false;
  async function sendOutbox() {
    if (sending) return;
    sending = true;
    try {
      if ((await offline.send(desk.dataset.apiUsesUrl, csrfToken)).length) {
        await showOutbox();
        refreshUses();
      }
    } finally {
      sending = false;
    }
  }

  /* Logging out forgets the snapshot, the outbox and the kept page: at once when
   * nothing waits, else only when staff agree to discard what waits. */
  const logout = document.querySelector("form.logout");
  if (logout) {
    logout.addEventListener("submit", async (event) => {
      event.preventDefault();
      await sendOutbox();
      const waiting = (await offline.outbox()).filter((use) => use.state === "waiting");
      if (waiting.length && !window.confirm(TEXT.discardOnLogout)) return;
      await offline.forget();
      if (window.caches) {
        const keys = await caches.keys();
        await Promise.all(keys.filter((key) => key.startsWith("kaiku-desk-"))
          .map((key) => caches.delete(key)));
      }
      logout.submit();
    });
  }

  offline.load().then(() => {
    showSnapshotAge();
    refreshSnapshot();
    showOutbox().then(sendOutbox);
  });
  offline.deviceId().then((id) => (device = id));
  window.addEventListener("online", () => {
    sendOutbox();
    refreshSnapshot();
  });
  setInterval(sendOutbox, 15000);
  setInterval(refreshSnapshot, 5 * 60 * 1000);
  setInterval(showSnapshotAge, 60 * 1000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(desk.dataset.workerUrl, { scope: "/desk" }).catch(() => {});
  }

  /* ---- the camera (static/js/scanner.js) ---- */
  const camera = window.KaikuScanner.attach($("[data-scanner]"), {
    name: "desk",
    onCode: (code, frameTime) => check(code, frameTime),
  });
})();
