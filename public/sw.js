// Throughline's service worker: an offline shell for the console, cached static
// assets, and Web Push notifications (src/server/… sends them; this shows them).
//
// What is cached, and what never is:
// - the offline shell (/offline) and what it needs to render (its /_next/static
//   files), at install;
// - /_next/static/* (content-hashed, immutable), icons and the manifest, as
//   they are fetched (cache first);
// - pages are network-first and NOT cached: they carry an agent's data and a
//   per-request CSP nonce. When the network fails the shell is shown instead,
//   under the page's own address, so "Try again" reloads what was asked for;
// - /api/ (tRPC, next-auth, REST), /socket.io/ and anything cross-origin pass
//   straight through: live data is never answered from a cache.
//
// Bump VERSION whenever this file's caching changes: activate deletes every
// cache but the current one.
const VERSION = "v1";
const CACHE = `throughline-${VERSION}`;
const OFFLINE_URL = "/offline";
const PRECACHE = [OFFLINE_URL, "/manifest.webmanifest", "/icons/icon-192.png", "/icons/icon-512.png", "/icon.svg"];
// Old builds' chunks pile up in the runtime cache; keep it bounded.
const MAX_ENTRIES = 300;

/** Same-origin paths the service worker must never answer from a cache. */
function isLive(url) {
  return url.pathname === "/api" || url.pathname.startsWith("/api/") || url.pathname.startsWith("/socket.io");
}

function isStatic(url) {
  return url.pathname.startsWith("/_next/static/") || url.pathname.startsWith("/icons/") || url.pathname === "/icon.svg" || url.pathname === "/manifest.webmanifest";
}

/** Caches the offline shell and every static file its HTML refers to (scripts, styles, the RSC payload's chunks). */
async function precache() {
  const cache = await caches.open(CACHE);
  // With the agent's cookies: the shell then shows in their chosen language and theme.
  const shell = await fetch(OFFLINE_URL, { cache: "no-store" });
  if (!shell.ok) throw new Error(`offline shell answered ${shell.status}`);
  const html = await shell.clone().text();
  await cache.put(OFFLINE_URL, shell);
  const assets = new Set(PRECACHE.slice(1));
  for (const m of html.matchAll(/\/_next\/static\/[^"'\s\\<>)]+/g)) assets.add(m[0]);
  await Promise.all(
    [...assets].map(async (path) => {
      const res = await fetch(path);
      if (res.ok) await cache.put(path, res);
    }),
  );
}

async function trim(cache) {
  const keys = await cache.keys();
  const offline = new URL(OFFLINE_URL, self.location.origin).href;
  const excess = keys.filter((r) => r.url !== offline).slice(0, Math.max(0, keys.length - MAX_ENTRIES));
  await Promise.all(excess.map((r) => cache.delete(r)));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

async function page(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const shell = await caches.match(OFFLINE_URL);
    if (shell) return shell;
    throw error;
  }
}

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok && res.type === "basic") {
    await cache.put(request, res.clone());
    void trim(cache);
  }
  return res;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isLive(url)) return;
  if (request.mode === "navigate") event.respondWith(page(request));
  else if (isStatic(url)) event.respondWith(staticFile(request));
});

// Web Push: the payload is JSON {title, body, url}. A payload that is missing
// or not JSON still shows something rather than nothing (browsers penalise
// pushes that show no notification).
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : "" };
  }
  const title = typeof data.title === "string" && data.title ? data.title : "Throughline";
  const body = typeof data.body === "string" ? data.body : "";
  const url = typeof data.url === "string" ? data.url : "/inbox";
  event.waitUntil(
    self.registration.showNotification(title, {
      body,
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      data: { url },
      // The same link replaces its earlier notification instead of stacking.
      tag: url,
    }),
  );
});

/** Only this origin's pages: a push payload must not send an agent elsewhere. */
function sameOriginUrl(raw) {
  try {
    const url = new URL(raw, self.location.origin);
    if (url.origin === self.location.origin) return url.href;
  } catch {
    /* not a URL */
  }
  return new URL("/inbox", self.location.origin).href;
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const exact = windows.find((c) => c.url === target);
      if (exact) return exact.focus();
      const ours = windows.find((c) => new URL(c.url).origin === self.location.origin);
      if (ours) {
        const focused = await ours.focus();
        // navigate() works on windows this worker controls; otherwise open a new one.
        if ("navigate" in focused) {
          try {
            return await focused.navigate(target);
          } catch {
            /* not controlled */
          }
        }
      }
      return self.clients.openWindow(target);
    })(),
  );
});
