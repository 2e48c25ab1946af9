"use client";
// The customer beside the conversation (and on the customer page): who they
// are on every channel, what they are worth, where they are in their journey,
// how they rated us, what they did in the product, what made their journey
// hard (friction), and possible duplicates with Merge / Undo — all live.
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { JOURNEY_STAGES, STATUSES } from "@/lib/vocabulary";
import { ChannelBadge } from "./channel";
import { ConfirmDialog } from "./dialog";
import { ErrorState, Skeleton, formatDate, initials, relativeTime as relativeTimeIn } from "./ui";
import { useSubscription } from "./use-realtime";
import { SummaryCard } from "./assistant/summary-card";

/** English identity labels (the sidebar shows components.customerSidebar.identityKinds.<kind>). */
export const IDENTITY_LABELS: Record<string, string> = {
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

const FRICTION_ICON: Record<string, string> = { repeat_contact: "↻", long_wait: "◷", handoff: "⇄", reopen: "⟲" };

function Section({ title, children, count }: { title: string; children: React.ReactNode; count?: number }) {
  return (
    <section className="mt-5" aria-label={title}>
      <h3 className="flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-slate-600">
        {title}
        {count !== undefined ? <span className="rounded-full bg-slate-100 px-1.5 py-0.5 text-[10px] text-slate-700">{count}</span> : null}
      </h3>
      <div className="mt-2">{children}</div>
    </section>
  );
}

const attrText = (v: unknown) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

function scoreTone(kind: string, score: number) {
  const good = kind === "nps" ? score >= 9 : kind === "csat" ? score >= 4 : score <= 2;
  const bad = kind === "nps" ? score <= 6 : kind === "csat" ? score <= 2 : score >= 5;
  return good ? "bg-emerald-100 text-emerald-900" : bad ? "bg-red-100 text-red-900" : "bg-amber-100 text-amber-900";
}

export function CustomerSidebar({ customerId, headingLevel = 2, currentConversationId }: { customerId: string; headingLevel?: 1 | 2; currentConversationId?: string }) {
  const t = useTranslations("components.customerSidebar");
  const locale = useLocale();
  const format = useFormatter();
  const relativeTime = (d: Date | string) => relativeTimeIn(d, Date.now(), locale);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const profile = useQuery(trpc.customer.get.queryOptions({ id: customerId }));
  const insights = useQuery(trpc.customer.insights.queryOptions({ id: customerId }));
  const [confirm, setConfirm] = useState<{ kind: "merge"; otherId: string; otherName: string | null } | { kind: "undo"; mergeId: string; otherName: string | null } | null>(null);
  const [showAttrs, setShowAttrs] = useState(false);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.customer.get.queryKey({ id: customerId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.customer.insights.queryKey({ id: customerId }) });
  };
  useSubscription({ customerId }, { "customer.merged": refresh, "customer.unmerged": refresh, "customer.updated": refresh, "conversation.updated": () => void queryClient.invalidateQueries({ queryKey: trpc.customer.insights.queryKey({ id: customerId }) }) }, refresh);

  const merge = useMutation(
    trpc.customer.merge.mutationOptions({
      onSuccess: () => {
        setConfirm(null);
        void queryClient.invalidateQueries();
      },
    }),
  );
  const undo = useMutation(
    trpc.customer.undoMerge.mutationOptions({
      onSuccess: () => {
        setConfirm(null);
        void queryClient.invalidateQueries();
      },
    }),
  );

  if (profile.isPending) return <Skeleton lines={5} />;
  if (profile.isError) return <ErrorState error={profile.error} retry={() => void profile.refetch()} />;
  const c = profile.data;
  const H = headingLevel === 1 ? "h1" : "h2";
  const ins = insights.data;

  return (
    <div data-testid="customer-sidebar">
      <div className="flex items-center gap-3">
        <span className="flex h-11 w-11 shrink-0 items-center justify-center rounded-full bg-brand-100 text-base font-semibold text-brand-700" aria-hidden>
          {initials(c.name)}
        </span>
        <div className="min-w-0">
          <H className="truncate text-lg font-semibold">
            {headingLevel === 2 ? (
              <Link href={`/customers/${c.id}`} className="hover:underline">
                {c.name ?? t("unnamed")}
              </Link>
            ) : (
              (c.name ?? t("unnamed"))
            )}
          </H>
          <p className="text-xs text-slate-600">{t("customerSince", { date: formatDate(c.createdAt, locale) })}</p>
        </div>
      </div>
      {c.mergedIntoId ? (
        <p className="mt-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status">
          {t.rich("mergedIntoNotice", {
            link: (chunks) => (
              <Link className="underline" href={`/customers/${c.mergedIntoId}`}>
                {chunks}
              </Link>
            ),
          })}
        </p>
      ) : null}
      <dl className="mt-4 grid grid-cols-2 gap-2 text-sm">
        <div className="rounded-lg bg-slate-50 p-2.5">
          <dt className="text-xs text-slate-600">{t("lifetimeValue")}</dt>
          <dd className="font-semibold">{format.number(c.lifetimeValue, { style: "currency", currency: "USD" })}</dd>
        </div>
        <div className="rounded-lg bg-slate-50 p-2.5">
          <dt className="text-xs text-slate-600">{t("journeyStage")}</dt>
          <dd className="font-semibold capitalize">{c.journeyStage ? ((JOURNEY_STAGES as readonly string[]).includes(c.journeyStage) ? t(`journeyStages.${c.journeyStage}`) : c.journeyStage.replace("_", " ")) : "—"}</dd>
        </div>
        <div className="rounded-lg bg-slate-50 p-2.5">
          <dt className="text-xs text-slate-600">{t("touchpoints")}</dt>
          <dd className="font-semibold">
            {format.number(c.touchpoints.count)}
            {c.touchpoints.capped ? "+" : ""}
          </dd>
        </div>
        <div className="rounded-lg bg-slate-50 p-2.5">
          <dt className="text-xs text-slate-600">{t("lastSeen")}</dt>
          <dd className="font-semibold">{c.lastSeenAt ? relativeTime(c.lastSeenAt) : "—"}</dd>
        </div>
      </dl>

      <SummaryCard customerId={customerId} conversationId={currentConversationId} />

      <Section title={t("sections.identities")} count={c.identities.length}>
        <ul className="space-y-1.5 text-sm">
          {c.identities.map((i) => (
            <li key={i.id} className="flex items-center justify-between gap-2">
              <span className="shrink-0 text-slate-600">{Object.hasOwn(IDENTITY_LABELS, i.kind) ? t(`identityKinds.${i.kind}`) : i.kind}</span>
              <span className="min-w-0 truncate font-mono text-xs" title={t("identityTitle", { value: i.value, source: i.source, verified: i.verified ? "yes" : "no" })}>
                {i.value}
                {i.verified ? (
                  <span className="ml-1 text-emerald-700" title={t("verified")}>
                    ✓<span className="sr-only"> {t("verified")}</span>
                  </span>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      </Section>

      {Object.keys(c.attributes).length ? (
        <Section title={t("sections.attributes")}>
          <dl className="space-y-1 text-sm">
            {Object.entries(c.attributes)
              .slice(0, showAttrs ? undefined : 5)
              .map(([k, v]) => (
                <div key={k} className="flex justify-between gap-2">
                  <dt className="shrink-0 text-slate-600">{k}</dt>
                  <dd className="min-w-0 truncate text-right" title={typeof v === "object" ? JSON.stringify(v) : String(v)}>
                    {typeof v === "object" ? JSON.stringify(v) : String(v)}
                  </dd>
                </div>
              ))}
          </dl>
          {Object.keys(c.attributes).length > 5 ? (
            <button type="button" className="mt-1 text-xs font-medium text-brand-700 hover:underline" onClick={() => setShowAttrs((v) => !v)} aria-expanded={showAttrs}>
              {showAttrs ? t("showFewer") : t("showAll", { count: String(Object.keys(c.attributes).length) })}
            </button>
          ) : null}
          {c.attributeConflicts.length ? (
            <div className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-950 ring-1 ring-amber-100" data-testid="attribute-conflicts">
              <p className="font-medium">{t("conflictsTitle")}</p>
              <ul className="mt-1 space-y-1">
                {c.attributeConflicts.map((x) => (
                  <li key={`${x.mergeId}-${x.key}`}>
                    {t.rich("conflict", {
                      key: x.key,
                      kept: attrText(x.kept),
                      other: attrText(x.other),
                      date: formatDate(x.mergedAt, locale),
                      k: (chunks) => <span className="font-mono">{chunks}</span>,
                      b: (chunks) => <strong>{chunks}</strong>,
                      m: (chunks) => <span className="text-amber-800">{chunks}</span>,
                    })}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </Section>
      ) : null}

      {insights.isPending ? (
        <div className="mt-5">
          <Skeleton lines={3} />
        </div>
      ) : insights.isError ? (
        <div className="mt-5">
          <ErrorState error={insights.error} retry={() => void insights.refetch()} />
        </div>
      ) : ins ? (
        <>
          <Section title={t("sections.friction")}>
            {ins.friction.length === 0 ? (
              <p className="text-sm text-slate-600">{t("noFriction")}</p>
            ) : (
              <ul className="space-y-2 text-sm" data-testid="friction">
                {ins.friction.map((f) => (
                  <li key={f.kind} className="rounded-lg bg-orange-50 px-3 py-2 ring-1 ring-orange-100">
                    <p className="font-medium text-orange-950">
                      <span aria-hidden className="mr-1">{FRICTION_ICON[f.kind]}</span>
                      {f.label}
                    </p>
                    {f.detail.length ? (
                      <ul className="mt-0.5 list-disc pl-5 text-xs text-orange-950">
                        {f.detail.map((d) => (
                          <li key={d}>{d}</li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section title={t("sections.openConversations")} count={ins.openConversations.length}>
            {ins.openConversations.length === 0 ? (
              <p className="text-sm text-slate-600">{t("noOpenConversations")}</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {ins.openConversations.map((v) => (
                  <li key={v.id}>
                    <Link
                      href={`/conversations/${v.id}`}
                      aria-current={v.id === currentConversationId ? "page" : undefined}
                      className={`flex items-center gap-2 rounded-md px-1 py-1 hover:bg-slate-50 ${v.id === currentConversationId ? "bg-brand-50" : ""}`}
                    >
                      <ChannelBadge channel={v.channel} compact />
                      <span className="min-w-0 flex-1 truncate">
                        #{v.number} {v.subject ?? ""}
                      </span>
                      <span className="text-xs capitalize text-slate-600">{(STATUSES as readonly string[]).includes(v.status) ? t(`statuses.${v.status}`) : v.status}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section title={t("sections.surveys")}>
            {ins.surveys.length === 0 ? (
              <p className="text-sm text-slate-600">{t("noSurveys")}</p>
            ) : (
              <ul className="space-y-1.5 text-sm">
                {ins.surveys.slice(0, 6).map((s) => (
                  <li key={s.id} className="flex items-start gap-2">
                    <span className={`shrink-0 rounded-md px-1.5 py-0.5 text-xs font-semibold uppercase ${scoreTone(s.kind, s.score)}`}>
                      {s.kind} {s.score}
                    </span>
                    <span className="min-w-0 flex-1">
                      {s.comment ? <span className="block truncate" title={s.comment}>“{s.comment}”</span> : null}
                      <span className="block text-xs text-slate-600">
                        {relativeTime(s.at)}
                        {s.conversationNumber ? ` · #${s.conversationNumber}` : ""}
                      </span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section title={t("sections.productEvents")}>
            {ins.productEvents.length === 0 ? (
              <p className="text-sm text-slate-600">{t("noProductEvents")}</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {ins.productEvents.map((e) => (
                  <li key={e.id} className="flex items-baseline justify-between gap-2">
                    <span className="min-w-0 truncate" title={e.text}>
                      {e.text}
                    </span>
                    <time dateTime={new Date(e.at).toISOString()} className="shrink-0 text-xs text-slate-600">
                      {relativeTime(e.at)}
                    </time>
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section title={t("sections.duplicates")} count={ins.duplicates.length}>
            {ins.duplicates.length === 0 ? (
              <p className="text-sm text-slate-600">{t("noDuplicates")}</p>
            ) : (
              <ul className="space-y-2 text-sm" data-testid="duplicates">
                {ins.duplicates.map((d) => (
                  <li key={d.customerId} className="rounded-lg bg-slate-50 px-3 py-2">
                    <div className="flex items-center justify-between gap-2">
                      <Link href={`/customers/${d.customerId}`} className="min-w-0 truncate font-medium hover:underline">
                        {d.name ?? t("unnamed")}
                      </Link>
                      <button
                        type="button"
                        onClick={() => setConfirm({ kind: "merge", otherId: d.customerId, otherName: d.name })}
                        className="shrink-0 rounded-md bg-surface px-2 py-0.5 text-xs font-semibold text-brand-700 ring-1 ring-brand-100 hover:bg-brand-50"
                        aria-label={t("mergeLabel", { source: d.name ?? t("thisCustomer"), target: c.name ?? t("thisCustomer") })}
                      >
                        {t("merge")}
                      </button>
                    </div>
                    <p className="mt-0.5 text-xs text-slate-600">{d.reason}</p>
                  </li>
                ))}
              </ul>
            )}
          </Section>

          {ins.merges.length ? (
            <Section title={t("sections.mergeHistory")}>
              <ul className="space-y-1.5 text-sm" data-testid="merge-history">
                {ins.merges.map((m) => (
                  <li key={m.id} className="flex items-center justify-between gap-2">
                    <span className="min-w-0">
                      <span className="block truncate">
                        {t.rich(m.direction === "into_this" ? "mergedIn" : "mergedInto", {
                          name: m.otherName ?? t("aCustomer"),
                          link: (chunks) => (
                            <Link href={`/customers/${m.otherId}`} className="font-medium hover:underline">
                              {chunks}
                            </Link>
                          ),
                        })}
                      </span>
                      <span className="block text-xs text-slate-600">
                        {relativeTime(m.at)}
                        {m.undoneAt ? t("undone", { when: relativeTime(m.undoneAt) }) : ""}
                      </span>
                    </span>
                    {!m.undoneAt ? (
                      <button
                        type="button"
                        onClick={() => setConfirm({ kind: "undo", mergeId: m.id, otherName: m.otherName })}
                        className="shrink-0 rounded-md bg-surface px-2 py-0.5 text-xs font-semibold text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50"
                      >
                        {t("undo")}
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            </Section>
          ) : null}
        </>
      ) : null}

      <ConfirmDialog
        open={confirm?.kind === "merge"}
        title={t("mergeDialog.title")}
        description={
          confirm?.kind === "merge"
            ? t.rich("mergeDialog.description", {
                source: confirm.otherName ?? t("theOtherCustomerCapital"),
                target: c.name ?? t("thisCustomer"),
                b: (chunks) => <strong>{chunks}</strong>,
              })
            : null
        }
        confirmLabel={t("merge")}
        busy={merge.isPending}
        error={merge.error?.message}
        onClose={() => {
          setConfirm(null);
          merge.reset();
        }}
        onConfirm={() => confirm?.kind === "merge" && merge.mutate({ sourceId: confirm.otherId, targetId: c.id })}
      />
      <ConfirmDialog
        open={confirm?.kind === "undo"}
        title={t("undoDialog.title")}
        description={t.rich("undoDialog.description", {
          name: confirm?.kind === "undo" ? (confirm.otherName ?? t("theOtherCustomer")) : "",
          b: (chunks) => <strong>{chunks}</strong>,
        })}
        confirmLabel={t("undoDialog.confirm")}
        tone="danger"
        busy={undo.isPending}
        error={undo.error?.message}
        onClose={() => {
          setConfirm(null);
          undo.reset();
        }}
        onConfirm={() => confirm?.kind === "undo" && undo.mutate({ mergeId: confirm.mergeId })}
      />
    </div>
  );
}
