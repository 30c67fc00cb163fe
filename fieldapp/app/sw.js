// The field app's service worker (an ES module): the app shell and the GraphQL documents are cached under one
// version, so the app opens with no network; an update is fetched whole and swapped in one step (never half an
// update). GraphQL and photo uploads always go to the network: the outbox in IndexedDB, never this cache, holds
// unsent work, so an update of the app (a new VERSION, a new cache) leaves it untouched.
import { replay } from "./outbox.js";

// The server writes the release here (a digest of the app's files): any change to them is an update.
const VERSION = "field-app-dev";
const SHELL = [
  "/app/", "/app/app.js", "/app/outbox.js", "/app/app.css", "/app/manifest.webmanifest", "/app/icon.svg",
  "/app/live.js", "/app/vendor/idb-keyval.js", "/app/vendor/graphql-ws/client.js",
  "/app/vendor/graphql-ws/common-CGW11Fyb.js",
  "/app/operations/MobileLogin.graphql", "/app/operations/AssignmentBundle.graphql",
  "/app/operations/SyncBatch.graphql", "/app/operations/Logout.graphql", "/app/operations/MyDevices.graphql",
  "/app/operations/RevokeDevice.graphql", "/app/operations/WithdrawFinding.graphql",
  "/app/operations/CorrectFinding.graphql", "/app/operations/SnapshotReviewQueue.graphql",
  "/app/operations/ConfirmSnapshot.graphql", "/app/operations/DismissSnapshot.graphql",
  "/app/operations/Notifications.graphql", "/app/operations/NotificationReceived.graphql",
];

// Pages replay the outbox themselves (their screen shows it); the worker tells them it has started, so that
// a page opened before an update or a restart of the worker sends what waits.
async function tellPages() {
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const page of pages) page.postMessage({ type: "replay", version: VERSION });
  return pages.length;
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith("field-app") && name !== VERSION).map((name) => caches.delete(name))))
    .then(() => self.clients.claim())
    .then(tellPages));
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "version") event.source?.postMessage({ type: "version", version: VERSION });
});

// Background Sync: the browser wakes the worker when the network is back. With a page open the page sends;
// with none the worker sends itself, and a failure makes the browser try again later.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(tellPages().then(async (pages) => {
    if (pages) return;
    const outcome = await replay();
    if (outcome.state === "retry") throw new Error("the outbox is not empty yet");
  }));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith("/app/")) return;
  const key = url.pathname === "/app/index.html" ? "/app/" : url.pathname;
  // Network first for the shell (so a deployed fix arrives when online), this version's cache when offline.
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok && SHELL.includes(key)) {
      const copy = response.clone();
      caches.open(VERSION).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(() => caches.open(VERSION).then((cache) => cache.match(key))));
});

tellPages();
