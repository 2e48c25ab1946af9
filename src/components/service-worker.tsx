"use client";
// Registers the service worker (public/sw.js: offline shell, cached static
// assets, Web Push notifications). Production only: in development it would
// keep serving stale bundles across hot reloads.
import { useEffect } from "react";

export function ServiceWorker() {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error: unknown) => {
      // Without it the console still works online; nothing to tell the agent.
      console.warn("service worker registration failed", error);
    });
  }, []);
  return null;
}
