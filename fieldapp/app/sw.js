// The field app's service worker: the app shell and the GraphQL documents are cached under one version, so
// the app opens with no network; an update is fetched whole and swapped in one step (never half an update).
// GraphQL and photo uploads always go to the network: the outbox in IndexedDB, not this cache, holds unsent work.
const VERSION = "field-app-v2";
const SHELL = [
  "/app/", "/app/app.js", "/app/app.css", "/app/manifest.webmanifest", "/app/icon.svg", "/app/vendor/idb-keyval.js",
  "/app/operations/MobileLogin.graphql", "/app/operations/AssignmentBundle.graphql",
  "/app/operations/SyncBatch.graphql", "/app/operations/Logout.graphql", "/app/operations/MyDevices.graphql",
  "/app/operations/RevokeDevice.graphql", "/app/operations/WithdrawFinding.graphql",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== VERSION).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith("/app/")) return;
  const key = url.pathname === "/app/index.html" ? "/app/" : url.pathname;
  // Network first for the shell (so a deployed fix arrives when online), the cache when offline.
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok && SHELL.includes(key)) {
      const copy = response.clone();
      caches.open(VERSION).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(() => caches.match(key)));
});
