"use client";
// One conversation with the single view beside it: the composer and the
// customer's whole timeline (every channel, this conversation highlighted),
// ticket controls, who else is here (presence, typing), the customer typing
// in the widget, and the customer sidebar. Keyboard: r reply, n note, e
// resolve, a assign to me, j/k next or previous conversation of the queue the
// agent came from.
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";
import { useTRPC } from "@/trpc/react";
import { ChannelBadge } from "@/components/channel";
import { Composer, type ComposerHandle } from "@/components/composer";
import { CustomerSidebar } from "@/components/customer-sidebar";
import { CustomerCollisionNotice, PresenceAvatars, usePresence } from "@/components/presence";
import { queueNeighbour } from "@/components/queue-order";
import { useShortcuts } from "@/components/shortcuts";
import { SubjectEditor, TicketControls, useTicketUpdate } from "@/components/ticket-controls";
import { Timeline } from "@/components/timeline";
import { ErrorState, Skeleton } from "@/components/ui";
import { useSubscription } from "@/components/use-realtime";
import { VisitorTypingIndicator } from "@/components/visitor-typing";

export function ConversationView({ conversationId }: { conversationId: string }) {
  const t = useTranslations("inbox.conversation");
  const format = useFormatter();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.me.get.queryOptions());
  const conv = useQuery(trpc.conversation.get.queryOptions({ id: conversationId }));
  const customerId = conv.data?.customer.id;
  const profile = useQuery({ ...trpc.customer.get.queryOptions({ id: customerId ?? "00000000-0000-0000-0000-000000000000" }), enabled: Boolean(customerId) });
  const composer = useRef<ComposerHandle>(null);
  const update = useTicketUpdate(conversationId);

  // The newest reply when this agent opened the conversation: sending later compares with it.
  const openedOutbound = useRef<string | null>(null);
  const openedFor = useRef<string | null>(null);
  useEffect(() => {
    if (conv.data && openedFor.current !== conversationId) {
      openedFor.current = conversationId;
      openedOutbound.current = conv.data.lastOutbound?.id ?? null;
    }
  }, [conv.data, conversationId]);

  const presence = usePresence(conv.data ? { conversationId } : null, me.data?.userId);

  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: trpc.conversation.get.queryKey({ id: conversationId }) }), [queryClient, trpc, conversationId]);
  // Read receipts: what the customer wrote is read when this view shows it.
  const markRead = useMutation(trpc.conversation.markRead.mutationOptions());
  const markReadNow = useCallback(() => {
    if (typeof document === "undefined" || document.visibilityState === "visible") markRead.mutate({ id: conversationId });
  }, [markRead, conversationId]);
  const convLoaded = Boolean(conv.data);
  useEffect(() => {
    if (convLoaded) markReadNow();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [convLoaded, conversationId]);
  useSubscription(
    { conversationId },
    {
      "conversation.updated": (p) => {
        if ((p as { conversationId?: string }).conversationId === conversationId) refresh();
      },
      "timeline.created": (p) => {
        const e = p as { conversationId?: string; item?: { direction?: string | null } };
        if (e.conversationId === conversationId && e.item?.direction === "inbound") markReadNow();
      },
    },
    refresh,
  );

  useShortcuts({
    r: () => composer.current?.focus("reply"),
    n: () => composer.current?.focus("note"),
    e: () => conv.data && conv.data.status !== "resolved" && update.mutate({ id: conversationId, changes: { status: "resolved" } }),
    a: () => me.data && conv.data?.assigneeId !== me.data.userId && update.mutate({ id: conversationId, changes: { assigneeId: me.data.userId } }),
    j: () => {
      const next = queueNeighbour(conversationId, 1);
      if (next) router.push(`/conversations/${next}`);
    },
    k: () => {
      const prev = queueNeighbour(conversationId, -1);
      if (prev) router.push(`/conversations/${prev}`);
    },
  });

  const markFirstItems = useCallback(() => {
    performance.mark?.("throughline:timeline-first-items");
  }, []);

  if (conv.isPending) {
    return (
      <div className="p-6" aria-busy="true">
        <Skeleton lines={6} />
      </div>
    );
  }
  if (conv.isError) {
    return (
      <div className="p-6">
        <ErrorState error={conv.error} retry={conv.error.data?.code === "NOT_FOUND" ? undefined : () => void conv.refetch()} />
        <Link href="/inbox" className="mt-4 inline-block text-sm text-brand-700 underline">
          {t("backToInbox")}
        </Link>
      </div>
    );
  }
  const c = conv.data;
  const isMine = me.data?.userId === c.assigneeId;
  return (
    <div className="flex min-h-screen">
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="border-b border-slate-200 bg-surface px-3 py-3 sm:px-5">
          {/* On a phone the actions get their own line, so the subject and its Edit keep theirs. */}
          <div className="flex flex-wrap items-center gap-x-3 gap-y-2 sm:flex-nowrap">
            <ChannelBadge channel={c.channel} />
            <SubjectEditor conversationId={c.id} number={c.number} subject={c.subject} fallback={c.customer.name ? t("conversationWith", { name: c.customer.name }) : t("conversationWithCustomer")} />
            <div className="flex w-full shrink-0 items-center justify-end gap-3 sm:ms-auto sm:w-auto">
              {/* Website chat: the customer typing in the widget, shown beside the colleagues typing here. */}
              {c.channel === "chat" ? <VisitorTypingIndicator conversationId={c.id} name={c.customer.name} /> : null}
              <PresenceAvatars viewers={presence.conversationViewers} />
              {!isMine ? (
                <button type="button" onClick={() => me.data && update.mutate({ id: c.id, changes: { assigneeId: me.data.userId } })} className="rounded-lg px-2.5 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50" aria-keyshortcuts="a">
                  {t("assignToMe")}
                </button>
              ) : null}
              {c.status !== "resolved" && c.status !== "closed" ? (
                <button type="button" onClick={() => update.mutate({ id: c.id, changes: { status: "resolved" } })} className="rounded-lg bg-emerald-700 px-2.5 py-1.5 text-sm font-semibold text-white hover:bg-emerald-800" aria-keyshortcuts="e">
                  {t("resolve")}
                </button>
              ) : (
                <button type="button" onClick={() => update.mutate({ id: c.id, changes: { status: "open" } })} className="rounded-lg px-2.5 py-1.5 text-sm font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50">
                  {t("reopen")}
                </button>
              )}
            </div>
          </div>
          <p className="mt-1 text-xs text-slate-600">
            {c.inbox.name}
            {" · "}
            {c.firstResponseAt ? t("firstReply", { when: format.dateTime(new Date(c.firstResponseAt), { dateStyle: "medium", timeStyle: "short" }) }) : t("notAnswered")}
            {c.resolvedAt ? ` · ${t("resolvedAt", { when: format.dateTime(new Date(c.resolvedAt), { dateStyle: "medium", timeStyle: "short" }) })}` : ""}
          </p>
          <div className="mt-3">
            <TicketControls ticket={{ id: c.id, inboxId: c.inboxId, status: c.status, priority: c.priority, assignee: c.assignee, team: c.team, tags: c.tags, snoozedUntil: c.snoozedUntil }} />
          </div>
        </header>
        <div className="min-w-0 flex-1 space-y-4 p-3 sm:p-5">
          <CustomerCollisionNotice viewers={presence.customerViewers} currentConversationId={c.id} />
          <Composer
            key={c.id}
            conversation={{ id: c.id, number: c.number, channel: c.channel, subject: c.subject, customerName: c.customer.name }}
            me={{ userId: me.data?.userId ?? "", name: me.data?.name ?? "" }}
            openedOutboundId={openedOutbound}
            onTyping={presence.typing}
            handleRef={composer}
          />
          <section aria-label={t("timelineLabel")}>
            {/* Not waiting for the profile: the chips fill in when it arrives, the items come first. */}
            <Timeline customerId={c.customer.id} channelsPresent={profile.data?.channels.map((x) => x.channel) ?? [c.channel]} highlightConversationId={c.id} onFirstItems={markFirstItems} />
          </section>
        </div>
      </div>
      <aside aria-label={t("customerLabel")} className="hidden w-80 shrink-0 border-s border-slate-200 bg-surface p-4 lg:block">
        <CustomerSidebar customerId={c.customer.id} currentConversationId={c.id} />
      </aside>
    </div>
  );
}
