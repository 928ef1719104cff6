/* Kaiku desk without network: the registry's snapshot, offline verdicts and the outbox.
 *
 * The snapshot (GET /api/v1/snapshot, app/core/snapshot.py) holds 12-byte entries: a
 * 3-byte tag of the code's "<number>-<generation>" and 9 bytes of the whole signed
 * code's hash, grouped by verdict. A code is judged by hashing what was read: nothing on
 * the device lets anyone make or look up a card. Uses recorded without network wait in
 * the outbox (IndexedDB, so a reload or a restart loses nothing) and are sent in order
 * through POST /api/v1/uses with the device's time when the network returns.
 */
window.KaikuOffline = (() => {
  "use strict";

  const DB_NAME = "kaiku-desk";
  const TOKEN = /^([0-9A-Za-z]{3,20})-(\d+)\.[^\s/?#]+$/;
  let database;

  /* ---- IndexedDB, as promises: "kept" (snapshot, device id) and "outbox" ---- */
  function open() {
    database = database || new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("kept");
        request.result.createObjectStore("outbox", { keyPath: "nonce" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return database;
  }
  async function run(store, mode, action) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(store, mode);
      const request = action(transaction.objectStore(store));
      transaction.oncomplete = () => resolve(request && request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  }
  const get = (store, key) => run(store, "readonly", (s) => s.get(key));
  const put = (store, value, key) => run(store, "readwrite", (s) => s.put(value, key));

  async function deviceId() {
    let id = await get("kept", "device");
    if (!id) {
      id = crypto.randomUUID();
      await put("kept", id, "device");
    }
    return id;
  }

  /* ---- the snapshot ---- */
  let current = null; // { data, etag, checkedAt, index }

  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  function entries(base64, size = 12) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const found = [];
    for (let i = 0; i + size <= bytes.length; i += size) found.push(hex(bytes.subarray(i, i + size)));
    return found;
  }
  /* Entry → its group, and the tags of every entry: built once per snapshot. */
  function index(data) {
    const groups = new Map();
    const tags = new Set();
    const tagLength = data.entry.tag_bytes * 2;
    data.groups.forEach((group) => entries(group.entries).forEach((entry) => {
      groups.set(entry, group);
      tags.add(entry.slice(0, tagLength));
    }));
    const used = new Set(entries(data.used_today));
    const events = new Map(data.events.map((event) => [String(event.id),
      { ...event, used: new Set(entries(event.used)) }]));
    return { groups, tags, used, events, tagLength };
  }

  async function load() {
    const kept = await get("kept", "snapshot");
    if (kept) current = { ...kept, index: index(kept.data) };
    return current;
  }

  /* Ask for a newer snapshot with the one kept (If-None-Match): unchanged costs a 304. */
  async function refresh(url) {
    if (!current) await load();
    const headers = current ? { "If-None-Match": current.etag } : {};
    const response = await fetch(url, { credentials: "same-origin", headers, cache: "no-store" });
    if (response.status === 304 && current) {
      current.checkedAt = Date.now();
    } else if (response.ok) {
      const data = await response.json();
      current = { data, etag: response.headers.get("ETag"), checkedAt: Date.now(),
        index: index(data) };
    } else {
      throw new Error("snapshot " + response.status);
    }
    const { index: _, ...kept } = current;
    await put("kept", kept, "snapshot");
    return current;
  }

  /* Hours since the registry last confirmed the snapshot, or null without one. */
  const ageHours = () => (current ? (Date.now() - current.checkedAt) / 3600e3 : null);
  const tooOld = () => !current || ageHours() > current.data.max_age_hours;

  async function sha256(text) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  }
  async function entryOf(token) {
    const { entry } = current.data;
    const tag = (await sha256(entry.tag_prefix + token.split(".")[0])).subarray(0, entry.tag_bytes);
    const code = (await sha256(entry.code_prefix + token)).subarray(0, entry.code_bytes);
    return hex(tag) + hex(code);
  }

  /* The signed code in what a scanner read (a card link or the code alone), or null. */
  function tokenIn(text) {
    const code = text.trim();
    const token = code.includes("/k/") ? code.split("/k/").pop().split(/[?#]/)[0] : code;
    return TOKEN.test(token) ? token : null;
  }

  /* The snapshot entry of a signed code, or null (no snapshot, or not a signed code). */
  async function entryFor(text) {
    const token = tokenIn(text);
    return token && current ? entryOf(token) : null;
  }

  /* The offline verdict: { status, reason?, group?, event?, entry?, number? }. Statuses
   * are the server's words, plus "unconfirmed" (not in the snapshot, a typed number or
   * an old registry's ID: it can't be checked here) and "stale" (the snapshot is too
   * old to say valid). */
  async function judge(text, eventId, ownUses) {
    const token = tokenIn(text);
    if (!token) return { status: "unconfirmed", typed: true };
    const number = token.match(TOKEN)[1];
    if (number.length === 9 && !window.kaikuNumbers.isValid(number)) {
      return { status: "invalid", reason: "forged" };
    }
    if (!current) return { status: "unconfirmed", number };
    const entry = await entryOf(token);
    const { groups, tags, used, events, tagLength } = current.index;
    const group = groups.get(entry);
    if (!group) {
      return tags.has(entry.slice(0, tagLength))
        ? { status: "invalid", reason: "forged" }
        : { status: "unconfirmed", number };
    }
    if (group.status === "old_code") return { status: "invalid", reason: "old_code" };
    if (group.status !== "valid") return { status: group.status, number };
    const today = localDay();
    if ((group.valid_from && today < group.valid_from) ||
        (group.valid_until && today > group.valid_until)) {
      return { status: today < group.valid_from ? "not_yet_valid" : "expired", number };
    }
    if (!current.data.days.includes(today)) return { status: "unconfirmed", number };
    if (tooOld()) return { status: "stale", number };
    const event = eventId ? events.get(String(eventId)) : null;
    if (eventId && !event) return { status: "unconfirmed", number };
    const usedHere = event ? event.used : used;
    const mine = ownUses.some((use) => use.entry === entry && String(use.event || "") ===
      String(eventId || "") && (eventId || use.day === today) && use.state !== "refused");
    if (usedHere.has(entry) || mine) return { status: "already_used", number, event };
    const left = ticketsLeft(event, ownUses);
    if (left !== null && left <= 0) return { status: "quota_full", number, event };
    return { status: "valid", number, group, event, entry, left };
  }

  /* Free tickets this device may still give for the event offline: its quota less those
   * given before the snapshot, and the device's own offline quota, less its outbox. */
  function ticketsLeft(event, ownUses) {
    if (!event) return null;
    const mine = ownUses.filter((use) => String(use.event) === String(event.id) &&
      use.state !== "refused").reduce((sum, use) => sum + 1 + use.children + use.clients, 0);
    const limits = [];
    if (event.quota !== null) limits.push(event.quota - event.given - mine);
    if (event.offline_quota !== null) limits.push(event.offline_quota - mine);
    return limits.length ? Math.min(...limits) : null;
  }

  /* The Finnish calendar day now (the registry's days are Finnish days). */
  function localDay(moment = new Date()) {
    return moment.toLocaleDateString("sv-SE", { timeZone: "Europe/Helsinki" });
  }

  /* ---- the outbox ---- */
  const outbox = async () => ((await run("outbox", "readonly", (s) => s.getAll())) || [])
    .sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));

  /* Uses this device recorded online since its snapshot was made: offline, the desk
   * refuses those holders again too (the snapshot's own list is older). */
  async function remember(use) {
    const entry = await entryFor(use.code);
    if (!entry) return;
    const today = localDay();
    const recorded = ((await get("kept", "recorded")) || []).filter((kept) => kept.day === today);
    recorded.push({ entry, event: use.event || null, day: today, state: "confirmed",
      children: Number(use.children || 0), clients: Number(use.clients || 0) });
    await put("kept", recorded, "recorded");
  }
  /* Everything this device gave today, kept offline or recorded online. */
  const ownUses = async () => [...(await outbox()),
    ...((await get("kept", "recorded")) || []).filter((kept) => kept.day === localDay())];
  const keep = (use) => run("outbox", "readwrite", (s) => s.put(use));
  const drop = (nonce) => run("outbox", "readwrite", (s) => s.delete(nonce));

  /* Send what waits, oldest first; each comes back confirmed or refused. Stops at the
   * first answer that is no answer (no network, a server error, logged out). */
  async function send(url, csrfToken) {
    const answered = [];
    for (const use of await outbox()) {
      if (use.state !== "waiting") continue;
      let response;
      try {
        response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
          body: JSON.stringify({
            code: use.code, nonce: use.nonce, children: use.children, clients: use.clients,
            assistant: use.assistant, event: use.event || null, kind: use.kind,
            category: use.category || null, recorded_at: use.recorded_at, device: use.device,
          }),
        });
      } catch (error) {
        break;
      }
      const answer = await response.json().catch(() => ({}));
      // No answer about the use: no server, logged out, or a page older than the session
      // (its CSRF token): it waits for the next try, from a page opened afresh.
      if (response.status >= 500 || [401, 403].includes(response.status) ||
          response.redirected || answer.error === "csrf") break;
      use.state = response.status === 201 ? "confirmed" : "refused";
      use.answer = response.status === 201
        ? { id: answer.id, undo_until: answer.undo_until, card: answer.card }
        : { status: answer.status || answer.error, message: answer.message };
      await keep(use);
      answered.push(use);
    }
    return answered;
  }

  /* Logging out: forget the snapshot and the outbox (once nothing waits, or on purpose). */
  async function forget() {
    current = null;
    await run("kept", "readwrite", (s) => s.delete("snapshot"));
    await run("kept", "readwrite", (s) => s.delete("recorded"));
    await run("outbox", "readwrite", (s) => s.clear());
  }

  return {
    deviceId, load, refresh, ageHours, tooOld, judge, entryFor, localDay, tokenIn,
    outbox, ownUses, remember, keep, drop, send, forget,
    snapshot: () => current,
  };
})();
