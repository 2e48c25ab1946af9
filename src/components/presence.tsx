"use client";
// Collision detection in the console: who else is viewing this conversation
// or customer, who is typing a reply, and where (per customer, across
// channels). Talks to src/server/presence/socket.ts.
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { getSocket } from "./use-realtime";
import { initials } from "./ui";

export type PresenceViewer = { userId: string; name: string; typing: boolean; conversationId: string | null; conversationNumber: number | null };
type Ack = { ok: boolean; conversation?: { viewers: PresenceViewer[] } | null; customer?: { customerId: string; viewers: PresenceViewer[] } | null };
type Changed = { conversationId?: string; customerId?: string; viewers: PresenceViewer[] };

/** Announces what this page shows; returns the other agents there and a typing reporter. */
export function usePresence(target: { conversationId?: string; customerId?: string } | null, selfId: string | undefined) {
  const [conversationViewers, setConversationViewers] = useState<PresenceViewer[]>([]);
  const [customerViewers, setCustomerViewers] = useState<PresenceViewer[]>([]);
  const customerRef = useRef<string | null>(target?.customerId ?? null);
  const key = target ? JSON.stringify({ conversationId: target.conversationId, customerId: target.conversationId ? undefined : target.customerId }) : null;

  useEffect(() => {
    if (!key) return;
    const s = getSocket();
    const payload = JSON.parse(key) as { conversationId?: string; customerId?: string };
    const view = () =>
      s.emit("presence.view", payload, (ack: Ack) => {
        if (!ack?.ok) return;
        setConversationViewers(ack.conversation?.viewers ?? []);
        setCustomerViewers(ack.customer?.viewers ?? []);
        customerRef.current = ack.customer?.customerId ?? null;
      });
    const onChanged = (p: Changed) => {
      if (p.conversationId && p.conversationId === payload.conversationId) setConversationViewers(p.viewers);
      else if (p.customerId && p.customerId === customerRef.current) setCustomerViewers(p.viewers);
    };
    if (s.connected) view();
    s.on("connect", view);
    s.on("presence.changed", onChanged);
    return () => {
      s.off("connect", view);
      s.off("presence.changed", onChanged);
      s.emit("presence.leave");
      setConversationViewers([]);
      setCustomerViewers([]);
    };
  }, [key]);

  // Typing: refreshed at most every 3 s while keys arrive, cleared after 4 s of quiet.
  const lastSent = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const typing = useCallback((on: boolean) => {
    const s = getSocket();
    clearTimeout(idle.current);
    if (!on) {
      if (lastSent.current) s.emit("presence.typing", { typing: false });
      lastSent.current = 0;
      return;
    }
    if (Date.now() - lastSent.current > 3000) {
      s.emit("presence.typing", { typing: true });
      lastSent.current = Date.now();
    }
    idle.current = setTimeout(() => {
      s.emit("presence.typing", { typing: false });
      lastSent.current = 0;
    }, 4000);
  }, []);
  useEffect(() => () => clearTimeout(idle.current), []);

  const others = (list: PresenceViewer[]) => list.filter((v) => v.userId !== selfId);
  return { conversationViewers: others(conversationViewers), customerViewers: others(customerViewers), typing };
}

const COLORS = ["bg-rose-100 text-rose-800", "bg-amber-100 text-amber-900", "bg-emerald-100 text-emerald-800", "bg-sky-100 text-sky-800", "bg-violet-100 text-violet-800"];
function colorFor(id: string) {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

/** Avatars of the other agents here; a pulsing dot on whoever is typing. */
export function PresenceAvatars({ viewers, label: labelProp }: { viewers: PresenceViewer[]; label?: string }) {
  const t = useTranslations("components.presence");
  if (viewers.length === 0) return null;
  const label = labelProp ?? t("alsoViewing");
  const names = viewers.map((v) => (v.typing ? t("nameTyping", { name: v.name }) : v.name)).join(", ");
  return (
    <div className="flex items-center gap-2" data-testid="presence" aria-label={t("groupLabel", { label, names })} role="group">
      <span className="text-xs text-slate-600" aria-hidden>
        {label}
      </span>
      <ul className="flex -space-x-1.5" aria-hidden>
        {viewers.slice(0, 5).map((v) => (
          <li key={v.userId} className="relative" title={v.typing ? t("isTyping", { name: v.name }) : t("isViewing", { name: v.name })}>
            <span className={`flex h-7 w-7 items-center justify-center rounded-full text-[11px] font-semibold ring-2 ring-surface ${colorFor(v.userId)}`}>{initials(v.name)}</span>
            {v.typing ? <span className="absolute -bottom-0.5 -right-0.5 h-2.5 w-2.5 animate-pulse rounded-full bg-emerald-500 ring-2 ring-surface" /> : null}
          </li>
        ))}
      </ul>
      {viewers.some((v) => v.typing) ? (
        <span className="text-xs font-medium text-emerald-700" data-testid="presence-typing">
          {t("typing", { names: viewers.filter((v) => v.typing).map((v) => v.name.split(" ")[0]).join(", ") })}
        </span>
      ) : null}
    </div>
  );
}

/** "Maya is replying to this customer in conversation #123" — colleagues on the same customer elsewhere. */
export function CustomerCollisionNotice({ viewers, currentConversationId }: { viewers: PresenceViewer[]; currentConversationId?: string }) {
  const t = useTranslations("components.presence");
  const relevant = currentConversationId ? viewers.filter((v) => v.conversationId !== currentConversationId) : viewers;
  if (relevant.length === 0) return null;
  return (
    <ul className="space-y-1" aria-live="polite" data-testid="customer-collision">
      {relevant.map((v) => (
        <li key={v.userId} className={`rounded-lg px-3 py-1.5 text-sm ${v.typing ? "bg-amber-50 text-amber-900 ring-1 ring-amber-200" : "bg-slate-100 text-slate-700"}`}>
          {t.rich("collision", {
            typing: v.typing ? "true" : "false",
            name: v.name,
            where: v.conversationNumber ? "conversation" : v.conversationId === null && currentConversationId ? "profile" : "none",
            number: String(v.conversationNumber ?? ""),
            who: (c) => <span className="font-medium">{c}</span>,
            link: (c) => (
              <a className="underline" href={`/conversations/${v.conversationId}`}>
                {c}
              </a>
            ),
          })}
        </li>
      ))}
    </ul>
  );
}
