"use client";
// The full single view of one customer without a conversation selected: the
// profile sidebar (identities, value, journey, surveys, friction, duplicates),
// the whole timeline, who else is looking at this customer, and "New
// conversation" on a chosen inbox.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { CustomerSidebar } from "@/components/customer-sidebar";
import { Modal } from "@/components/dialog";
import { CustomerCollisionNotice, usePresence } from "@/components/presence";
import { Timeline } from "@/components/timeline";
import { ErrorState, Skeleton } from "@/components/ui";

export function CustomerSingleView({ customerId }: { customerId: string }) {
  const trpc = useTRPC();
  const t = useTranslations("pages.customers.singleView");
  const me = useQuery(trpc.me.get.queryOptions());
  const profile = useQuery(trpc.customer.get.queryOptions({ id: customerId }));
  const presence = usePresence(profile.data ? { customerId } : null, me.data?.userId);
  const [creating, setCreating] = useState(false);

  if (profile.isPending) {
    return (
      <div className="grid gap-6 p-6 lg:grid-cols-[20rem_1fr]" aria-busy="true">
        <Skeleton lines={4} />
        <Skeleton lines={8} />
      </div>
    );
  }
  if (profile.isError) {
    return (
      <div className="p-6">
        <ErrorState error={profile.error} retry={() => void profile.refetch()} />
        <Link href="/customers" className="mt-4 inline-block text-sm text-brand-700 underline">
          {t("backToCustomers")}
        </Link>
      </div>
    );
  }
  const c = profile.data;
  return (
    <div className="grid min-h-screen lg:grid-cols-[20rem_1fr]">
      <aside aria-label={t("profileLabel")} className="border-b border-slate-200 bg-surface p-5 lg:border-b-0 lg:border-e">
        <CustomerSidebar customerId={customerId} headingLevel={1} />
      </aside>
      <div className="min-w-0 p-5">
        <div className="mb-4 flex flex-wrap items-center gap-2 border-b border-slate-200">
          <nav aria-label={t("viewsLabel")} className="flex gap-1">
            <Link href={`/customers/${customerId}`} aria-current="page" className="-mb-px border-b-2 border-brand-600 px-3 py-2 text-sm font-medium text-brand-700">
              {t("timeline")}
            </Link>
            <Link href={`/customers/${customerId}/journey`} className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-600 hover:text-slate-900">
              {t("journeyMap")}
            </Link>
          </nav>
          <button type="button" onClick={() => setCreating(true)} className="mb-1.5 ms-auto rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-700" disabled={Boolean(c.mergedIntoId)}>
            {t("newConversation")}
          </button>
        </div>
        <div className="mb-3">
          <CustomerCollisionNotice viewers={presence.customerViewers} />
        </div>
        <section aria-label={t("timeline")}>
          <Timeline customerId={customerId} channelsPresent={c.channels.map((x) => x.channel)} />
        </section>
      </div>
      <NewConversationDialog open={creating} onClose={() => setCreating(false)} customer={{ id: c.id, name: c.name, identityKinds: c.identities.map((i) => i.kind) }} />
    </div>
  );
}

const REACH: Record<string, string[]> = {
  email: ["email"],
  whatsapp: ["whatsapp_wa_id", "phone"],
  messenger: ["messenger_psid"],
  instagram: ["instagram_id"],
  telegram: ["telegram_user_id"],
  x: ["x_user_id"],
  chat: ["widget_visitor"],
};

function NewConversationDialog({ open, onClose, customer }: { open: boolean; onClose: () => void; customer: { id: string; name: string | null; identityKinds: string[] } }) {
  const trpc = useTRPC();
  const t = useTranslations("pages.customers.singleView.create");
  const router = useRouter();
  const ids = { inbox: useId(), subject: useId(), body: useId(), mode: useId() };
  const inboxes = useQuery({ ...trpc.conversation.inboxes.queryOptions(), enabled: open });
  const [inboxId, setInboxId] = useState("");
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [withMessage, setWithMessage] = useState(true);
  const create = useMutation(
    trpc.conversation.create.mutationOptions({
      onSuccess: (r) => {
        onClose();
        router.push(`/conversations/${r.conversationId}`);
      },
    }),
  );
  const inbox = inboxes.data?.find((i) => i.id === inboxId);
  const reachable = inbox ? (REACH[inbox.channel] ?? []).some((k) => customer.identityKinds.includes(k)) : true;

  return (
    <Modal open={open} onClose={onClose} title={customer.name ? t("titleNamed", { name: customer.name }) : t("titleUnnamed")} description={t("description")}>
      <form
        className="mt-4 space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!inboxId) return;
          create.mutate({ customerId: customer.id, inboxId, subject: subject || null, body: withMessage ? body : null });
        }}
      >
        <div>
          <label htmlFor={ids.inbox} className="block text-sm font-medium">
            {t("inbox")}
          </label>
          <select id={ids.inbox} required value={inboxId} onChange={(e) => setInboxId(e.target.value)} className="mt-1 w-full rounded-lg border border-slate-300 bg-surface px-2 py-1.5 text-sm">
            <option value="">{inboxes.isPending ? t("loadingInboxes") : t("chooseInbox")}</option>
            {inboxes.data?.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.subject} className="block text-sm font-medium">
            {t("subject")}
          </label>
          <input id={ids.subject} value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={500} className="mt-1 w-full rounded-lg border border-slate-300 px-2 py-1.5 text-sm" />
        </div>
        <div className="flex items-center gap-2">
          <input id={ids.mode} type="checkbox" checked={withMessage} onChange={(e) => setWithMessage(e.target.checked)} className="h-4 w-4" />
          <label htmlFor={ids.mode} className="text-sm">
            {t("withMessage")}
          </label>
        </div>
        {withMessage ? (
          <div>
            <label htmlFor={ids.body} className="block text-sm font-medium">
              {t("message")}
            </label>
            <textarea id={ids.body} rows={5} value={body} onChange={(e) => setBody(e.target.value)} required className="mt-1 w-full rounded-lg border border-slate-300 px-2 py-1.5 text-sm" />
            {!reachable ? (
              <p className="mt-1 text-sm text-amber-900" role="status">
                {customer.name ? t("unreachableNamed", { name: customer.name }) : t("unreachableUnnamed")}
              </p>
            ) : null}
          </div>
        ) : null}
        {create.isError ? (
          <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
            {create.error.message}
          </p>
        ) : null}
        <div className="flex justify-end gap-2 pt-2">
          <button type="button" onClick={onClose} className="rounded-lg border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50">
            {t("cancel")}
          </button>
          <button type="submit" disabled={create.isPending || !inboxId || (withMessage && !reachable)} className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60">
            {create.isPending ? t("creating") : withMessage ? t("createAndSend") : t("createTicket")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
