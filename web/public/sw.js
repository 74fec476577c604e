// Halo Lamsel service worker: the app shell works offline; the API is never cached
// (cases, tokens and personal data stay on the network path only).
const SHELL = "halo-shell-v1";
const NEVER = ["/api/", "/verify/", "/docs", "/openapi.json", "/.well-known/"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(["/", "/manifest.webmanifest",
    "/icon.svg"])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k !== SHELL).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin
      || NEVER.some((p) => url.pathname.startsWith(p))) {
    return;
  }
  if (request.mode === "navigate") {
    // Network first, so a new build shows at once; the cached shell when offline.
    event.respondWith(fetch(request).then((response) => {
      const copy = response.clone();
      if (response.ok) caches.open(SHELL).then((c) => c.put("/", copy));
      return response;
    }).catch(() => caches.match("/")));
    return;
  }
  if (url.pathname.startsWith("/assets/")) {
    // Hashed file names never change: cache first.
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((r) => {
      const copy = r.clone();
      if (r.ok) caches.open(SHELL).then((c) => c.put(request, copy));
      return r;
    })));
  }
});
