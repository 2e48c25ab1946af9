// Throughline's embeddable chat widget. One tag on any website:
//   <script src="https://HOST/widget.js" data-inbox="INBOX_PUBLIC_ID" async></script>
// Optional verified identity, set before the tag:
//   window.ThroughlineSettings = { userId, email, name, userHash }
// where userHash = hex HMAC-SHA256(userId or email, WIDGET_IDENTITY_SECRET),
// computed by the site's backend. A small API: Throughline.open(), .close(),
// .toggle(), .shutdown() (forget this browser's visitor, e.g. on sign-out).
//
// Built by scripts/build-widget.mjs into public/widget.js (IIFE, ES2019).
import { Widget } from "./app";
import type { Config, Settings } from "./types";

type Win = Window & {
  ThroughlineSettings?: Settings;
  Throughline?: { open(): void; close(): void; toggle(): void; shutdown(): void };
  __throughlineLoaded?: boolean;
};

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript as HTMLScriptElement | null;
  if (current?.src && current.getAttribute("data-inbox")) return current;
  const all = document.querySelectorAll<HTMLScriptElement>("script[data-inbox][src]");
  return Array.from(all).find((s) => /\/widget\.js(\?|#|$)/.test(s.src)) ?? null;
}

async function boot(script: HTMLScriptElement) {
  const w = window as Win;
  const inbox = script.getAttribute("data-inbox")!;
  const origin = new URL(script.src, location.href).origin;
  const raw = w.ThroughlineSettings;
  const settings: Settings = {};
  if (raw && typeof raw === "object") {
    for (const k of ["userId", "email", "name", "userHash"] as const) if (raw[k] !== undefined && raw[k] !== null) settings[k] = String(raw[k]);
  }
  const res = await fetch(`${origin}/api/widget/config?inbox=${encodeURIComponent(inbox)}`);
  if (!res.ok) {
    console.warn(`[Throughline] chat unavailable: inbox "${inbox}" (${res.status})`);
    return;
  }
  const config = (await res.json()) as Config;
  const widget = new Widget(origin, config, settings);
  (document.body ?? document.documentElement).appendChild(widget.host);
  w.Throughline = {
    open: () => widget.setOpen(true),
    close: () => widget.setOpen(false),
    toggle: () => widget.setOpen(!(widget.host.shadowRoot?.querySelector(".root")?.classList.contains("open") ?? false)),
    shutdown: () => {
      widget.shutdown();
      w.__throughlineLoaded = false;
    },
  };
}

(() => {
  const w = window as Win;
  if (w.__throughlineLoaded) return;
  const script = findScript();
  if (!script) return console.warn("[Throughline] widget script tag not found (it needs data-inbox)");
  w.__throughlineLoaded = true;
  const start = () =>
    boot(script).catch((error: unknown) => {
      w.__throughlineLoaded = false;
      console.warn("[Throughline] chat failed to load:", error);
    });
  if (document.body) void start();
  else document.addEventListener("DOMContentLoaded", () => void start(), { once: true });
})();
