"use client";
// Keyboard shortcuts. One keydown listener for the console (mounted by the
// nav); pages register their own keys with useShortcuts while mounted, the
// newest registration first. Keys are ignored while typing in a field, except
// Ctrl/Cmd+K (search) and Escape. Sequences such as "g i" are two keys within
// a second.
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef } from "react";

export type ShortcutHandler = (event: KeyboardEvent) => void;
type Registration = { keys: Record<string, ShortcutHandler> };

const registry: Registration[] = [];

type ShortcutHelpGroup = { group: string; items: { keys: string[]; label: string }[] };
type Messages = (typeof import("@/i18n/messages/en/components.json"))["shortcuts"];

// The overlay's list by message key: components.shortcuts.groups.<group> and
// .items.<item>; a key is a cap whose name differs by language
// (.keyCaps.<cap>: "Ctrl/⌘", "Enter", "Esc") or the character typed.
const HELP: { group: keyof Messages["groups"]; items: { keys: string[]; item: keyof Messages["items"] }[] }[] = [
  {
    group: "anywhere",
    items: [
      { keys: ["mod", "K"], item: "search" },
      { keys: ["/"], item: "searchSlash" },
      { keys: ["g", "i"], item: "goInbox" },
      { keys: ["g", "c"], item: "goCustomers" },
      { keys: ["?"], item: "help" },
      { keys: ["esc"], item: "closeDialog" },
    ],
  },
  {
    group: "inbox",
    items: [
      { keys: ["j"], item: "next" },
      { keys: ["k"], item: "previous" },
      { keys: ["enter"], item: "open" },
      { keys: ["x"], item: "select" },
    ],
  },
  {
    group: "conversation",
    items: [
      { keys: ["r"], item: "reply" },
      { keys: ["n"], item: "note" },
      { keys: ["e"], item: "resolve" },
      { keys: ["a"], item: "assignToMe" },
      { keys: ["j"], item: "nextInQueue" },
      { keys: ["k"], item: "previousInQueue" },
      { keys: ["mod", "enter"], item: "send" },
    ],
  },
];

const CAPS: ReadonlySet<string> = new Set<keyof Messages["keyCaps"]>(["mod", "enter", "esc"]);
const isCap = (key: string): key is keyof Messages["keyCaps"] => CAPS.has(key);

function helpIn(t: (key: string) => string): ShortcutHelpGroup[] {
  return HELP.map((g) => ({
    group: t(`groups.${g.group}`),
    items: g.items.map((i) => ({ keys: i.keys.map((k) => (isCap(k) ? t(`keyCaps.${k}`) : k)), label: t(`items.${i.item}`) })),
  }));
}

/** The shortcuts the help overlay lists (the page-specific ones apply where noted), in the console's language. */
export function useShortcutHelp(): ShortcutHelpGroup[] {
  const t = useTranslations("components.shortcuts");
  return useMemo(() => helpIn((key) => t(key)), [t]);
}

export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  if (el.isContentEditable) return true;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (el as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
  }
  return false;
}

/** Registers page shortcuts while the component is mounted. Handlers may change between renders. */
export function useShortcuts(keys: Record<string, ShortcutHandler>, enabled = true) {
  const ref = useRef(keys);
  ref.current = keys;
  useEffect(() => {
    if (!enabled) return;
    const reg: Registration = {
      keys: Object.fromEntries(Object.keys(ref.current).map((k) => [k, (e: KeyboardEvent) => ref.current[k]?.(e)])),
    };
    registry.unshift(reg);
    return () => {
      const i = registry.indexOf(reg);
      if (i >= 0) registry.splice(i, 1);
    };
  }, [enabled, Object.keys(keys).sort().join("|")]);
}

/** The console-wide listener; `globals` are the keys that work on every page. */
export function useGlobalShortcutListener(globals: Record<string, ShortcutHandler>) {
  const ref = useRef(globals);
  ref.current = globals;
  useEffect(() => {
    let pending: { key: string; at: number } | null = null;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === "k") {
        e.preventDefault();
        ref.current["mod+k"]?.(e);
        return;
      }
      if (mod || e.altKey) return;
      if (isTypingTarget(e.target)) return;
      // Inside an open dialog only the dialog's own keys apply.
      if ((e.target as HTMLElement | null)?.closest?.("dialog[open]")) return;
      const key = e.key;
      // Enter on a link or button is that control's own (opening a notification, pressing a button).
      if (key === "Enter" && (e.target as HTMLElement | null)?.closest?.("a[href], button, summary, [role='button'], [role='option']")) return;
      let name = key === "Enter" ? "enter" : key.length === 1 ? key : "";
      if (!name) return;
      if (pending && Date.now() - pending.at < 1000) {
        const seq = `${pending.key} ${name}`;
        pending = null;
        if (dispatch(seq, e)) return;
      }
      if (name === "g") {
        pending = { key: "g", at: Date.now() };
        return;
      }
      pending = null;
      if (name === "?" || (name === "/" && e.shiftKey)) name = "?";
      dispatch(name, e);
    };
    const dispatch = (name: string, e: KeyboardEvent): boolean => {
      for (const reg of registry) {
        const h = reg.keys[name];
        if (h) {
          e.preventDefault();
          h(e);
          return true;
        }
      }
      const g = ref.current[name];
      if (g) {
        e.preventDefault();
        g(e);
        return true;
      }
      return false;
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

export function Kbd({ children }: { children: React.ReactNode }) {
  return <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 shadow-[0_1px_0_rgba(0,0,0,0.08)]">{children}</kbd>;
}
