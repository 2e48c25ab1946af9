// Small helpers: DOM building without innerHTML for anything untrusted,
// storage that never throws (blocked third-party storage, private mode), ids.
import { locale, t } from "./i18n";
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | null | undefined | ((e: Event) => void)> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    else if (k === "class") el.className = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** A static, trusted SVG icon (never user content). */
export function icon(svg: string): HTMLSpanElement {
  const s = document.createElement("span");
  s.className = "ic";
  s.setAttribute("aria-hidden", "true");
  s.innerHTML = svg;
  return s;
}

const memory: Record<string, string> = {};
function store(kind: "localStorage" | "sessionStorage"): Storage | null {
  try {
    const s = window[kind];
    const k = "__tl_probe";
    s.setItem(k, "1");
    s.removeItem(k);
    return s;
  } catch {
    return null;
  }
}
const local = store("localStorage");
const session = store("sessionStorage");

export function load<T>(key: string, fallback: T, temporary = false): T {
  try {
    const raw = (temporary ? session : local)?.getItem(key) ?? memory[key];
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

export function save(key: string, value: unknown, temporary = false) {
  const raw = JSON.stringify(value);
  memory[key] = raw;
  try {
    (temporary ? session : local)?.setItem(key, raw);
  } catch {
    /* quota or blocked: the in-memory copy still serves this page */
  }
}

export function remove(key: string) {
  delete memory[key];
  try {
    local?.removeItem(key);
  } catch {
    /* ignore */
  }
}

export function uuid(): string {
  const c = window.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = Array.from(b, (n) => n.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Text colour that reads on the brand colour (WCAG relative luminance). */
export function contrastOn(hex: string): string {
  let c = hex.replace("#", "");
  if (c.length === 3) c = c.replace(/./g, "$&$&");
  const [r, g, b] = [0, 2, 4].map((i) => {
    const v = parseInt(c.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return l > 0.45 ? "#111827" : "#ffffff";
}

export function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
}

export function dayOf(iso: string): string {
  const d = new Date(iso);
  const today = new Date();
  const y = new Date();
  y.setDate(today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return t("thread.today");
  if (d.toDateString() === y.toDateString()) return t("thread.yesterday");
  return d.toLocaleDateString(locale(), { weekday: "short", month: "short", day: "numeric" });
}

/** Text with http(s) links made clickable; everything else stays text. */
export function linkify(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  const re = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h("a", { href: m[0], target: "_blank", rel: "noopener noreferrer nofollow" }, m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function sizeLabel(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
