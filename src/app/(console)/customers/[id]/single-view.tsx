"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { ChannelBadge } from "@/components/channel";
import { ErrorState, Skeleton, formatDateTime, initials, relativeTime } from "@/components/ui";
import { Timeline } from "@/components/timeline";

const IDENTITY_LABELS: Record<string, string> = {
  email: "Email",
  phone: "Phone",
  external_id: "User id",
  widget_visitor: "Website visitor",
  messenger_psid: "Messenger",
  instagram_id: "Instagram",
  whatsapp_wa_id: "WhatsApp",
  telegram_user_id: "Telegram",
  x_user_id: "X",
};

export function CustomerSingleView({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const profile = useQuery(trpc.customer.get.queryOptions({ id: customerId }));

  if (profile.isPending) {
    return (
      <div className="grid gap-6 p-6 lg:grid-cols-[20rem_1fr]">
        <Skeleton lines={4} />
        <Skeleton lines={8} />
      </div>
    );
  }
  if (profile.isError) {
    return (
      <div className="p-6">
        <ErrorState error={profile.error} retry={() => void profile.refetch()} />
        <Link href="/customers" className="mt-4 inline-block text-sm text-brand-700 underline">Back to customers</Link>
      </div>
    );
  }
  const c = profile.data;
  return (
    <div className="grid min-h-full lg:grid-cols-[20rem_1fr]">
      <aside aria-label="Customer profile" className="border-b border-slate-200 bg-white p-5 lg:border-r lg:border-b-0">
        <div className="flex items-center gap-3">
          <span className="flex h-12 w-12 items-center justify-center rounded-full bg-brand-100 text-lg font-semibold text-brand-700" aria-hidden>
            {initials(c.name)}
          </span>
          <div className="min-w-0">
            <h1 className="truncate text-lg font-semibold">{c.name ?? "Unnamed customer"}</h1>
            <p className="text-xs text-slate-500">Customer since {formatDateTime(c.createdAt).split(",")[0]}</p>
          </div>
        </div>
        {c.mergedIntoId ? (
          <p className="mt-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-800">
            Merged into <Link className="underline" href={`/customers/${c.mergedIntoId}`}>another customer</Link>.
          </p>
        ) : null}
        <dl className="mt-5 grid grid-cols-2 gap-3 text-sm">
          <div className="rounded-lg bg-slate-50 p-3">
            <dt className="text-xs text-slate-500">Lifetime value</dt>
            <dd className="font-semibold">{c.lifetimeValue.toLocaleString("en-US", { style: "currency", currency: "USD" })}</dd>
          </div>
          <div className="rounded-lg bg-slate-50 p-3">
            <dt className="text-xs text-slate-500">Journey stage</dt>
            <dd className="font-semibold capitalize">{c.journeyStage?.replace("_", " ") ?? "—"}</dd>
          </div>
          <div className="rounded-lg bg-slate-50 p-3">
            <dt className="text-xs text-slate-500">Touchpoints</dt>
            <dd className="font-semibold">{c.eventCount.toLocaleString()}</dd>
          </div>
          <div className="rounded-lg bg-slate-50 p-3">
            <dt className="text-xs text-slate-500">Last seen</dt>
            <dd className="font-semibold">{c.lastSeenAt ? relativeTime(c.lastSeenAt) : "—"}</dd>
          </div>
        </dl>
        <h2 className="mt-6 text-xs font-semibold uppercase tracking-wide text-slate-500">Identities</h2>
        <ul className="mt-2 space-y-1.5 text-sm">
          {c.identities.map((i) => (
            <li key={i.id} className="flex items-center justify-between gap-2">
              <span className="text-slate-500">{IDENTITY_LABELS[i.kind] ?? i.kind}</span>
              <span className="truncate font-mono text-xs" title={`${i.value} · source: ${i.source}${i.verified ? " · verified" : ""}`}>
                {i.value}
                {i.verified ? <span className="ml-1 text-emerald-600" aria-label="verified">✓</span> : null}
              </span>
            </li>
          ))}
        </ul>
        {Object.keys(c.attributes).length ? (
          <>
            <h2 className="mt-6 text-xs font-semibold uppercase tracking-wide text-slate-500">Attributes</h2>
            <dl className="mt-2 space-y-1 text-sm">
              {Object.entries(c.attributes).map(([k, v]) => (
                <div key={k} className="flex justify-between gap-2">
                  <dt className="text-slate-500">{k}</dt>
                  <dd className="truncate">{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd>
                </div>
              ))}
            </dl>
          </>
        ) : null}
        <h2 className="mt-6 text-xs font-semibold uppercase tracking-wide text-slate-500">Conversations</h2>
        {c.conversations.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">None in your inboxes.</p>
        ) : (
          <ul className="mt-2 space-y-1.5 text-sm">
            {c.conversations.map((v) => (
              <li key={v.id}>
                <Link href={`/conversations/${v.id}`} className="flex items-center gap-2 rounded-md px-1 py-1 hover:bg-slate-50">
                  <ChannelBadge channel={v.channel} compact />
                  <span className="min-w-0 flex-1 truncate">#{v.number} {v.subject ?? v.lastMessagePreview ?? ""}</span>
                  <span className="text-xs capitalize text-slate-500">{v.status}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </aside>
      <section aria-label="Timeline" className="min-w-0 p-5">
        <Timeline customerId={customerId} channelsPresent={c.channels.map((x) => x.channel)} />
      </section>
    </div>
  );
}
