"use client";
// "Aaliyah is typing…" in the conversation view while the customer types in
// the website widget. The widget namespace sends visitor.typing to the
// conversation's room (src/server/channels/widget/events/context.ts), which the
// view subscribes to; the widget repeats typing:true every 2.5 s while keys
// arrive and sends typing:false after 4 s of quiet or on sending. The
// indicator goes on false, on the customer's message arriving, or by itself
// VISITOR_TYPING_TTL_MS after the last true (a lost false, a closed tab).
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { useSocketEvent } from "./use-realtime";

export const VISITOR_TYPING_TTL_MS = 6_000;

type TypingEvent = { conversationId?: string | null; typing?: boolean };
type CreatedEvent = { conversationId?: string | null; item?: { direction?: string | null } };

export function useVisitorTyping(conversationId: string): boolean {
  const [typing, setTyping] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const stop = () => {
    clearTimeout(timer.current);
    setTyping(false);
  };
  useSocketEvent("visitor.typing", (p) => {
    const e = p as TypingEvent;
    if (e.conversationId !== conversationId) return;
    if (!e.typing) return stop();
    clearTimeout(timer.current);
    setTyping(true);
    timer.current = setTimeout(() => setTyping(false), VISITOR_TYPING_TTL_MS);
  });
  useSocketEvent("timeline.created", (p) => {
    const e = p as CreatedEvent;
    if (e.conversationId === conversationId && e.item?.direction === "inbound") stop();
  });
  // A different conversation starts quiet.
  useEffect(() => stop, [conversationId]);
  return typing;
}

/** Always mounted (an aria-live region must exist before it speaks); empty while nobody types. */
export function VisitorTypingIndicator({ conversationId, name }: { conversationId: string; name: string | null }) {
  const t = useTranslations("components.visitorTyping");
  const typing = useVisitorTyping(conversationId);
  const who = name?.trim().split(/\s+/)[0] || t("theCustomer");
  return (
    <p aria-live="polite" className="flex min-h-5 items-center gap-2 text-sm text-slate-600" data-testid="visitor-typing">
      {typing ? (
        <>
          <span className="flex gap-0.5" aria-hidden>
            {[0, 150, 300].map((delay) => (
              <span key={delay} className="h-1.5 w-1.5 animate-bounce rounded-full bg-emerald-600" style={{ animationDelay: `${delay}ms` }} />
            ))}
          </span>
          <span>{t("typing", { name: who })}</span>
        </>
      ) : null}
    </p>
  );
}
