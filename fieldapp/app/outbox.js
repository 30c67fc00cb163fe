// The outbox: everything the inspector does, waiting to reach the server. No DOM here: the page and the
// service worker both import this module (the worker replays the outbox through Background Sync when no page
// is open), and a Web Lock makes sure only one of them sends at a time.
//
// One IndexedDB record per operation, keyed by the operation's UUID (made on the phone, so a resend creates
// nothing twice on the server). A photo's record holds the photo itself, so a finding and its photos are written
// in one transaction. A record leaves the outbox only when the server has answered for it: a network failure, a
// 5xx or a 429 is never "sent" and never "refused"; it is retried with exponential backoff (or after the
// server's Retry-After), forever. Only a typed 4xx refusal puts a record in "needs attention", with the server's
// message and error code. Every operation is also written to the app's own log (another store), which records
// what happened to it: queued, replaced (an answer changed before it was sent), sent or refused.
import { createStore, del, entries, get, set, setMany, update } from "./vendor/idb-keyval.js";

export const operations = createStore("field-app-outbox", "operations");
export const journal = createStore("field-app-log", "log");

const BATCH_SIZE = 100; // operations per syncBatch request (the server takes up to SYNC_BATCH_MAX_OPERATIONS)
const BACKOFF_BASE_MS = 1000; // the first retry after a failed send waits about this long, then doubles
const BACKOFF_MAX_MS = 5 * 60 * 1000; // and never waits longer than this
const SEND_TIMEOUT_MS = 60000; // one request may take this long before it counts as a network failure

export class Unauthenticated extends Error {}
export class Transient extends Error {
  constructor(message, retryAfterMs = null) { super(message); this.retryAfterMs = retryAfterMs; }
}
export class Refused extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

const uuid = () => crypto.randomUUID();
const nowIso = () => new Date().toISOString();
let counter = 0;
const nextSeq = () => Date.now() * 1000 + (counter++ % 1000);

// --- telling pages that something changed -----------------------------------------------------------------

const listeners = new Set();
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("field-app-outbox") : null;
channel?.addEventListener("message", () => { for (const listener of listeners) listener(); });
export function onChange(listener) { listeners.add(listener); }
function changed() {
  for (const listener of listeners) listener();
  channel?.postMessage("changed");
}

// --- the records ------------------------------------------------------------------------------------------

export async function all() {
  return (await entries(operations)).map(([, record]) => record).filter(Boolean).sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
}

export async function count() { return (await all()).length; }

/** Users whose work is in the outbox (only they may sign in on this phone until it is sent). */
export async function owners() { return [...new Set((await all()).map((r) => r.user))]; }

async function log(id, change) {
  await update(id, (entry) => ({ ...(entry || {}), ...change, at: nowIso() }), journal);
}

// The log and the outbox are two databases, so no transaction holds both. The record is therefore always
// written before its log line, and every log line carries what the line needs on its own: a page closed between
// the two leaves a record that is sent (and logged "sent" then), never a "queued" line with no record behind it.
function described(item) {
  return { kind: item.kind, visitId: item.payload?.visitId, createdAt: item.createdAt };
}

/** Logs a record as queued unless something has already happened to it (it may be sent before this line). */
async function logQueued(item) {
  await update(item.id, (entry) => (entry?.state ? { ...described(item), ...entry } : { ...described(item), state: "queued", at: nowIso() }), journal);
}

/** Logs a record as replaced, unless it was already sent or refused (that line stays true). */
async function logReplaced(item) {
  await update(item.id, (entry) => (!entry?.state || entry.state === "queued" ? { ...described(item), ...entry, state: "replaced", at: nowIso() } : entry), journal);
}

/** Changes a record in one transaction; a record already gone stays gone (never written back empty). */
function patch(id, change) {
  return operations("readwrite", (store) => new Promise((resolve, reject) => {
    const request = store.get(id);
    request.onsuccess = () => {
      const next = request.result && change(request.result);
      if (next) store.put(next, id);
      store.transaction.oncomplete = () => resolve();
      store.transaction.onerror = store.transaction.onabort = () => reject(store.transaction.error);
    };
    request.onerror = () => reject(request.error);
  }));
}

/** Deletes a record only if it is still waiting (not being sent by another page or the worker meanwhile). */
function deleteIfWaiting(id) {
  return operations("readwrite", (store) => new Promise((resolve, reject) => {
    const request = store.get(id);
    let deleted = false;
    request.onsuccess = () => {
      if (request.result?.state === "waiting") { store.delete(id); deleted = true; }
      store.transaction.oncomplete = () => resolve(deleted);
      store.transaction.onerror = store.transaction.onabort = () => reject(store.transaction.error);
    };
    request.onerror = () => reject(request.error);
  }));
}

export async function logEntries() { return (await entries(journal)).map(([id, entry]) => ({ id, ...entry })); }

function record(kind, payload, user, extra = {}) {
  return { id: extra.id || uuid(), kind, payload, user, createdAt: nowIso(), seq: nextSeq(), state: "waiting", attempts: 0, ...extra };
}

/** Queue one operation. An answer changed before it was sent replaces the unsent one (same replaceKey). */
export async function enqueue(kind, payload, { user, replaceKey } = {}) {
  const item = record(kind, payload, user, replaceKey ? { replaceKey } : {});
  // The new record first: a page closed at any point after it leaves the new answer queued (and perhaps the
  // old one too, sent before it: the server keeps the later one), never a logged answer that is nowhere.
  await set(item.id, item, operations);
  await logQueued(item);
  if (replaceKey) {
    for (const old of await all()) {
      if (old.id === item.id || old.replaceKey !== replaceKey || old.state !== "waiting" || old.seq > item.seq) continue;
      // Logged before the delete: a page closed in between (or a record being sent meanwhile, so not deleted)
      // leaves a record that is sent after all and logged "sent" then, never a "queued" line with nothing behind.
      await logReplaced(old);
      await deleteIfWaiting(old.id);
    }
  }
  changed();
  return item;
}

/** Queue a finding and its photos in one transaction: the photos are never without their finding. */
export async function enqueueFinding(payload, photos, { user }) {
  const finding = record("FINDING", payload, user);
  const items = photos.map((photo) => record("PHOTO", { findingId: payload.findingId, visitId: payload.visitId, ...photo.meta }, user, { id: photo.id, blob: photo.blob }));
  await setMany([finding, ...items].map((item) => [item.id, item]), operations); // the records first (see log)
  for (const item of [finding, ...items]) await logQueued(item);
  changed();
  return finding;
}

/** Every record needing attention goes back to waiting (the inspector asked to try them again). */
export async function retryRefused() {
  for (const item of await all()) if (item.state === "attention") await mark(item, { state: "waiting", error: null, code: null });
  changed();
}

async function mark(item, change) {
  await patch(item.id, (current) => ({ ...current, ...change }));
}

async function sent(item, objectId = null) {
  // Logged first: a page closed in between resends (harmless, the server knows the UUID).
  await log(item.id, { ...described(item), state: "sent", objectId });
  await del(item.id, operations);
}

async function refused(item, error) {
  await mark(item, { state: "attention", error: error.message, code: error.code || null });
  await log(item.id, { ...described(item), state: "refused", code: error.code || null });
}

/** A photo's state as the inspector sees it. */
export function photoState(item, records) {
  if (item.state === "attention") return "attention";
  if (item.state === "sending") return "uploading";
  if (records.some((r) => r.kind === "FINDING" && r.payload.findingId === item.payload.findingId)) return "saved";
  return "waiting";
}

// --- talking to the server --------------------------------------------------------------------------------

function retryAfter(response) {
  const value = response.headers.get("Retry-After");
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

async function send(url, init) {
  let response;
  try {
    response = await fetch(url, { ...init, credentials: "omit", signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
  } catch (error) {
    throw new Transient(error.message || "network");
  }
  if (response.status === 429 || response.status >= 500) {
    throw new Transient(`HTTP ${response.status}`, retryAfter(response));
  }
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: judged by its status below */ }
  const errors = body?.errors || [];
  const codes = errors.map((e) => e.extensions?.code || e.code);
  if (response.status === 401 || codes.includes("UNAUTHENTICATED")) throw new Unauthenticated();
  if (body === null) throw new Transient(`HTTP ${response.status}`); // a proxy's page, say: try again later
  return { response, body };
}

const documents = {};
export async function operationDocument(name) {
  if (!documents[name]) {
    const url = `/app/operations/${name}.graphql`;
    const cached = typeof caches === "object" ? await caches.match(url) : null;
    const response = cached || await fetch(url).catch(() => null);
    if (!response?.ok) throw new Transient(`operation ${name}`);
    documents[name] = await response.text();
  }
  return documents[name];
}

/** One GraphQL request. Throws Unauthenticated, Transient (try again later) or Refused (a GraphQL error). */
export async function gql(name, variables = {}, { token, lang = "vi" } = {}) {
  const query = await operationDocument(name);
  if (query.includes("$sentAt")) variables = { ...variables, sentAt: nowIso() }; // the phone's clock, now
  const headers = { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": lang };
  if (token) headers.Authorization = `Bearer ${token}`;
  const { body } = await send("/graphql/", { method: "POST", headers, body: JSON.stringify({ query, variables, operationName: name }) });
  if (body.errors?.length) throw new Refused(body.errors[0].message, body.errors[0].extensions?.code);
  return body.data;
}

async function sendBatch(batch, session) {
  let data;
  try {
    data = await gql("SyncBatch", { operations: batch.map((i) => ({ id: i.id, kind: i.kind, payload: JSON.stringify(i.payload) })) }, session);
  } catch (error) {
    if (error instanceof Refused) throw new Transient(error.message); // the request was not understood: never drop
    throw error;
  }
  const errors = data.syncBatch.errors || [];
  if (errors.length) throw new Transient(errors[0].message);
  const byId = new Map(batch.map((i) => [i.id, i]));
  for (const result of data.syncBatch.results) {
    const item = byId.get(result.id);
    if (!item) continue;
    const error = result.errors?.[0];
    if (result.ok) await sent(item, result.objectId);
    else if (error?.code === "UNAUTHENTICATED") throw new Unauthenticated();
    else await refused(item, { message: error?.message || "?", code: error?.code });
  }
}

async function uploadPhoto(item, session) {
  const form = new FormData();
  form.append("id", item.id);
  form.append("findingId", item.payload.findingId);
  for (const name of ["latitude", "longitude", "accuracy", "capturedAt"]) {
    if (item.payload[name] != null) form.append(name, String(item.payload[name]));
  }
  form.append("sentAt", nowIso()); // the phone's clock now, so the server can tell its offset
  form.append("file", item.blob, `${item.id}.jpg`);
  const { response, body } = await send("/api/evidence", { method: "POST", body: form,
    headers: { Authorization: `Bearer ${session.token}`, "Accept-Language": session.lang || "vi" } });
  if (response.ok) return sent(item, body.evidence?.id);
  const error = body.errors?.[0];
  if (!error?.code) throw new Transient(`HTTP ${response.status}`); // only a typed refusal needs attention
  return refused(item, error);
}

// --- replaying the outbox ---------------------------------------------------------------------------------

let failures = 0;
let retryTimer = null;
let status = { state: "idle" };
export function lastStatus() { return status; }

function setStatus(next) { status = { ...next, at: nowIso() }; changed(); }

/**
 * Send whatever can be sent now: the small operations in batches first, then the photos one per request, so
 * one large photo never holds back a check-in or an answer. Returns the outcome:
 * {state: "sent" | "offline" | "busy" | "signed-out" | "expired" | "retry", retryInMs?}.
 * On "retry" the next attempt is already scheduled here (in a page); a service worker rethrows instead.
 */
let again = false;
export async function replay({ lang } = {}) {
  if (!navigator.onLine) return { state: "offline" };
  const outcome = await navigator.locks.request("field-app-outbox", { ifAvailable: true }, async (lock) => lock ? drain(lang) : { state: "busy" });
  if (outcome.state === "busy") again = true; // whoever is sending looks again when done
  else if (again && outcome.state === "sent") { again = false; return replay({ lang }); }
  return outcome;
}

async function drain(lang) {
  for (const item of await all()) if (item.state === "sending") await mark(item, { state: "waiting" }); // left by a closed page
  for (;;) {
    const session = await get("session");
    if (!session?.token || session.expired) return { state: session?.expired ? "expired" : "signed-out" };
    const auth = { token: session.token, lang: lang || session.lang || "vi" };
    const records = (await all()).filter((r) => r.user === session.username);
    const batch = records.filter((r) => r.kind !== "PHOTO" && r.state === "waiting").slice(0, BATCH_SIZE);
    const photo = records.find((r) => r.kind === "PHOTO" && r.state === "waiting" && photoState(r, records) === "waiting");
    if (!batch.length && !photo) {
      failures = 0;
      setStatus({ state: "sent" });
      return { state: "sent" };
    }
    const sending = batch.length ? batch : [photo];
    for (const item of sending) await mark(item, { state: "sending", attempts: (item.attempts || 0) + 1 });
    changed();
    try {
      if (batch.length) await sendBatch(batch, auth);
      else await uploadPhoto(photo, auth);
      failures = 0;
    } catch (error) {
      for (const item of sending) {
        await patch(item.id, (current) => current.state === "sending" && { ...current, state: "waiting", lastError: error.message });
      }
      if (error instanceof Unauthenticated) {
        await set("session", { ...session, expired: true });
        setStatus({ state: "expired" });
        return { state: "expired" };
      }
      failures += 1;
      const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1)) * (0.75 + Math.random() / 4);
      const retryInMs = Math.max(error.retryAfterMs ?? 0, error.retryAfterMs != null ? 0 : backoff);
      setStatus({ state: "retry", message: error.message, retryInMs, retryAt: new Date(Date.now() + retryInMs).toISOString() });
      scheduleRetry(retryInMs, lang);
      return { state: "retry", retryInMs, message: error.message };
    }
    changed();
  }
}

function scheduleRetry(ms, lang) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => replay({ lang }), ms);
}

/** Ask the browser to replay through Background Sync when connectivity returns (where it has it). */
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("outbox");
  } catch { /* no Background Sync here: the online event and page show replay instead */ }
}

export { get, set, del, update, uuid, nowIso };
