"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { ChannelBadge } from "@/components/channel";
import { ErrorState, Skeleton } from "@/components/ui";
import { Timeline } from "@/components/timeline";

export function ConversationView({ conversationId }: { conversationId: string }) {
  const trpc = useTRPC();
  const conv = useQuery(trpc.conversation.get.queryOptions({ id: conversationId }));
  const customerId = conv.data?.customer.id;
  const profile = useQuery({ ...trpc.customer.get.queryOptions({ id: customerId ?? "00000000-0000-0000-0000-000000000000" }), enabled: Boolean(customerId) });

  if (conv.isPending) return <div className="p-6"><Skeleton lines={6} /></div>;
  if (conv.isError) return <div className="p-6"><ErrorState error={conv.error} /></div>;
  const c = conv.data;
  return (
    <div className="flex min-h-full flex-col">
      <header className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-white px-6 py-4">
        <ChannelBadge channel={c.channel} />
        <h1 className="text-lg font-semibold">
          #{c.number} {c.subject ?? `Conversation with ${c.customer.name ?? "customer"}`}
        </h1>
        <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium capitalize">{c.status}</span>
        <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium capitalize">{c.priority}</span>
        <span className="text-sm text-slate-500">{c.inbox.name} · {c.assignee?.name ?? "Unassigned"}{c.team ? ` · ${c.team.name}` : ""}</span>
        <Link href={`/customers/${c.customer.id}`} className="ml-auto text-sm font-medium text-brand-700 hover:underline">
          {c.customer.name ?? "Customer"} — full profile →
        </Link>
      </header>
      <section aria-label="Customer timeline" className="p-6">
        <p className="mb-3 text-sm text-slate-500">This conversation in the context of everything else {c.customer.name ?? "the customer"} did, on every channel.</p>
        {profile.data ? <Timeline customerId={c.customer.id} channelsPresent={profile.data.channels.map((x) => x.channel)} /> : <Skeleton lines={6} />}
      </section>
    </div>
  );
}
