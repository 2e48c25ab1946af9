"use client";
// Outgoing webhooks: endpoints with their health (last delivery, failure
// streak, why one was disabled), create/edit with the events to send, the
// signing secret (shown on creation, on request, and after rotation), a test
// event, and each endpoint's delivery log with replay.
import { useState } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import type { WebhookEventType } from "@/server/webhooks/event-types";
import { formatDateTime as formatDateTimeIn, relativeTime as relativeTimeIn } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { FormActions, FormError, ListStates, Notice, SettingsTable, dangerLink, inputClass, linkButton, primaryButton, secondaryButton, useFocusOnOpen } from "../form-kit";

type EventType = { type: WebhookEventType; help: string };
type EndpointForm = { url: string; description: string; events: WebhookEventType[] };

const STATUS_STYLE: Record<string, string> = {
  delivered: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  pending: "bg-amber-50 text-amber-900 ring-amber-200",
  sending: "bg-sky-50 text-sky-800 ring-sky-200",
};

/** relativeTime and formatDateTime (components/ui) in the page's locale. */
function useDates() {
  const locale = useLocale();
  return { relativeTime: (d: Date | string) => relativeTimeIn(d, Date.now(), locale), formatDateTime: (d: Date | string) => formatDateTimeIn(d, locale) };
}

function StatusBadge({ status }: { status: string }) {
  const t = useTranslations("settings.webhooks.status");
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${STATUS_STYLE[status] ?? "bg-slate-100 text-slate-700 ring-slate-200"}`}>{status in STATUS_STYLE ? t(status) : status}</span>;
}

export function WebhooksSettings() {
  const t = useTranslations("settings.webhooks");
  const { relativeTime, formatDateTime } = useDates();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const endpoints = useQuery(trpc.webhooks.list.queryOptions(undefined, { refetchInterval: 10_000 }));
  const eventTypes = useQuery(trpc.webhooks.eventTypes.queryOptions());
  const [editing, setEditing] = useState<{ id: string | null; initial: EndpointForm } | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string; why: string } | null>(null);
  const [logFor, setLogFor] = useState<{ id: string; url: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = () => void qc.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const done = (text: string) => () => {
    setNotice(text);
    invalidate();
  };

  const create = useMutation(trpc.webhooks.create.mutationOptions({ onSuccess: (e) => { setEditing(null); setSecret({ url: e.url, secret: e.secret, why: t("why.created") }); invalidate(); } }));
  const update = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: () => { setEditing(null); done(t("notice.saved"))(); } }));
  const setEnabled = useMutation(trpc.webhooks.setEnabled.mutationOptions({ onSuccess: (_r, v) => done(v.enabled ? t("notice.enabled") : t("notice.disabled"))() }));
  const rotate = useMutation(trpc.webhooks.rotateSecret.mutationOptions({ onSuccess: (r) => { const e = endpoints.data?.find((x) => x.id === r.id); setSecret({ url: e?.url ?? "", secret: r.secret, why: t("why.rotated") }); invalidate(); } }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: (_r, v) => { if (logFor?.id === v.id) setLogFor(null); done(t("notice.deleted"))(); } }));
  const test = useMutation(trpc.webhooks.sendTest.mutationOptions({ onSuccess: (_r, v) => { const e = endpoints.data?.find((x) => x.id === v.id); setLogFor(e ? { id: e.id, url: e.url } : null); done(t("notice.testQueued"))(); } }));
  const actionError = setEnabled.error ?? rotate.error ?? remove.error ?? test.error;

  const showSecret = async (id: string, url: string) => {
    try {
      const r = await qc.fetchQuery(trpc.webhooks.secret.queryOptions({ id }, { staleTime: 0 }));
      setSecret({ url, secret: r.secret, why: t("why.shown") });
    } catch (error) {
      setNotice(t("notice.secretFailed", { error: (error as Error).message }));
    }
  };

  return (
    <div className="space-y-6">
      <Notice text={notice} />
      {secret ? <SecretBox {...secret} onDone={() => setSecret(null)} /> : null}
      {editing ? (
        <Panel title={editing.id ? t("editTitle") : t("newTitle")}>
          <EndpointEditor
            initial={editing.initial}
            eventTypes={eventTypes.data ?? []}
            saving={create.isPending || update.isPending}
            error={editing.id ? update.error : create.error}
            submitLabel={editing.id ? t("save") : t("createEndpoint")}
            onCancel={() => setEditing(null)}
            onSubmit={(v) => (editing.id ? update.mutate({ id: editing.id, ...v }) : create.mutate(v))}
          />
        </Panel>
      ) : null}
      <Panel
        title={t("title")}
        actions={
          <button type="button" className={primaryButton} onClick={() => { create.reset(); update.reset(); setNotice(null); setEditing({ id: null, initial: { url: "", description: "", events: [] } }); }}>
            {t("newEndpoint")}
          </button>
        }
      >
        <p className="mb-3 text-sm text-slate-600">
          {t.rich("intro", {
            sw: (c) => <a className="font-medium text-brand-700 hover:underline" href="https://www.standardwebhooks.com/" rel="noreferrer" target="_blank">{c}</a>,
            c1: () => <code className="rounded bg-slate-100 px-1 text-xs">webhook-id</code>,
            c2: () => <code className="rounded bg-slate-100 px-1 text-xs">webhook-timestamp</code>,
            c3: () => <code className="rounded bg-slate-100 px-1 text-xs">webhook-signature</code>,
            c4: () => <code className="rounded bg-slate-100 px-1 text-xs">v1,</code>,
            c5: () => <code className="rounded bg-slate-100 px-1 text-xs">id.timestamp.body</code>,
            ref: (c) => <a href="/settings/api-keys/reference" className="font-medium text-brand-700 hover:underline">{c}</a>,
          })}
        </p>
        {actionError ? <div className="mb-3"><FormError error={actionError} /></div> : null}
        <ListStates query={endpoints} emptyTitle={t("emptyTitle")} emptyText={t("emptyText")}>
          {(items) => (
            <SettingsTable testId="webhook-table" columns={[t("column.endpoint"), t("column.events"), t("column.status"), t("column.lastDelivery")]}>
              {items.map((e) => (
                <tr key={e.id} className={e.enabled ? "" : "bg-slate-50"}>
                  <td className="max-w-xs px-4 py-2.5 align-top">
                    <span className="block truncate font-mono text-xs text-slate-900" title={e.url}>{e.url}</span>
                    {e.description ? <span className="block text-xs text-slate-600">{e.description}</span> : null}
                  </td>
                  <td className="px-3 py-2.5 align-top">
                    <ul className="flex max-w-xs flex-wrap gap-1">
                      {e.events.map((type) => <li key={type} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{type}</li>)}
                    </ul>
                  </td>
                  <td className="px-3 py-2.5 align-top">
                    {e.enabled ? (
                      <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200">{t("enabled")}</span>
                    ) : (
                      <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 ring-1 ring-red-200">{t("disabled")}</span>
                    )}
                    {!e.enabled && e.disabledReason ? <p className="mt-1 max-w-xs text-xs text-red-800" data-testid="disabled-reason">{e.disabledReason}</p> : null}
                    {e.enabled && e.consecutiveFailures > 0 ? <p className="mt-1 text-xs text-amber-800">{t("failedInARow", { count: e.consecutiveFailures })}</p> : null}
                  </td>
                  <td className="px-3 py-2.5 align-top text-xs whitespace-nowrap text-slate-600">
                    {e.lastDelivery ? (
                      <span className="flex items-center gap-1.5">
                        <StatusBadge status={e.lastDelivery.status} />
                        {e.lastDelivery.statusCode ? <span>HTTP {e.lastDelivery.statusCode}</span> : null}
                        {e.lastDelivery.at ? <span title={formatDateTime(e.lastDelivery.at)}>{relativeTime(e.lastDelivery.at)}</span> : null}
                      </span>
                    ) : (
                      t("nothingSent")
                    )}
                    <span className="mt-1 block">
                      {/* Counts as strings: the English line has no digit grouping. */}
                      {e.pending ? t("lastDayWaiting", { delivered: String(e.deliveredLastDay), failed: String(e.failedLastDay), pending: String(e.pending) }) : t("lastDay", { delivered: String(e.deliveredLastDay), failed: String(e.failedLastDay) })}
                    </span>
                  </td>
                  <td className="px-3 py-2.5 text-end align-top">
                    <div className="flex flex-col items-end gap-1">
                      <button type="button" className={linkButton} aria-label={t("deliveriesLabel", { url: e.url })} onClick={() => setLogFor({ id: e.id, url: e.url })}>{t("deliveries")}</button>
                      <button type="button" className={linkButton} disabled={!e.enabled || test.isPending} aria-label={t("sendTestLabel", { url: e.url })} onClick={() => test.mutate({ id: e.id })}>{t("sendTest")}</button>
                      <button type="button" className={linkButton} aria-label={t("editLabel", { url: e.url })} onClick={() => { update.reset(); setEditing({ id: e.id, initial: { url: e.url, description: e.description ?? "", events: e.events } }); }}>{t("edit")}</button>
                      <button type="button" className={linkButton} aria-label={e.enabled ? t("disableLabel", { url: e.url }) : t("enableLabel", { url: e.url })} disabled={setEnabled.isPending} onClick={() => setEnabled.mutate({ id: e.id, enabled: !e.enabled })}>{e.enabled ? t("disable") : t("enable")}</button>
                      <button type="button" className={linkButton} aria-label={t("secretLabel", { url: e.url })} onClick={() => void showSecret(e.id, e.url)}>{t("secret")}</button>
                      <button type="button" className={linkButton} aria-label={t("rotateLabel", { url: e.url })} disabled={rotate.isPending} onClick={() => confirm(t("confirmRotate")) && rotate.mutate({ id: e.id })}>{t("rotate")}</button>
                      <button type="button" className={dangerLink} aria-label={t("deleteLabel", { url: e.url })} disabled={remove.isPending} onClick={() => confirm(t("confirmDelete", { url: e.url })) && remove.mutate({ id: e.id })}>{t("delete")}</button>
                    </div>
                  </td>
                </tr>
              ))}
            </SettingsTable>
          )}
        </ListStates>
      </Panel>
      {logFor ? <DeliveryLog endpoint={logFor} onClose={() => setLogFor(null)} /> : null}
    </div>
  );
}

function EndpointEditor({ initial, eventTypes, saving, error, submitLabel, onSubmit, onCancel }: {
  initial: EndpointForm;
  eventTypes: EventType[];
  saving: boolean;
  error: unknown;
  submitLabel: string;
  onSubmit: (v: EndpointForm) => void;
  onCancel: () => void;
}) {
  const t = useTranslations("settings.webhooks.form");
  const [form, setForm] = useState(initial);
  const first = useFocusOnOpen<HTMLInputElement>(true);
  return (
    <form
      className="space-y-4"
      aria-label={submitLabel}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(form);
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          {t("url")}
          <input ref={first} required type="url" maxLength={2000} className={inputClass} value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} placeholder="https://example.com/hooks/throughline" />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          {t("description")}
          <input maxLength={200} className={inputClass} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} placeholder={t("descriptionPlaceholder")} />
        </label>
      </div>
      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-600">{t("events")}</legend>
        <ul className="grid gap-1.5 sm:grid-cols-2">
          {eventTypes.map((et) => (
            <li key={et.type}>
              <label className="flex cursor-pointer items-start gap-2 rounded-md px-1.5 py-1 text-sm hover:bg-slate-50">
                <input
                  type="checkbox"
                  className="mt-0.5 h-4 w-4 shrink-0 accent-brand-600"
                  checked={form.events.includes(et.type)}
                  onChange={(e) => setForm({ ...form, events: e.target.checked ? [...form.events, et.type] : form.events.filter((x) => x !== et.type) })}
                />
                <span>
                  <code className="text-xs font-semibold text-slate-800">{et.type}</code>
                  <span className="block text-xs text-slate-600">{et.help}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <FormActions submitLabel={submitLabel} saving={saving} onCancel={onCancel} error={error} />
    </form>
  );
}

function SecretBox({ url, secret, why, onDone }: { url: string; secret: string; why: string; onDone: () => void }) {
  const t = useTranslations("settings.webhooks.secretBox");
  const [copied, setCopied] = useState(false);
  const ref = useFocusOnOpen<HTMLInputElement>(true);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      ref.current?.select();
    }
  };
  return (
    <section aria-label={t("label")} className="rounded-xl bg-amber-50 p-4 ring-1 ring-amber-200" data-testid="webhook-secret">
      <h2 className="text-sm font-semibold text-amber-950">{url ? t.rich("for", { why, url: () => <span className="font-mono text-xs">{url}</span> }) : why}</h2>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor="webhook-secret">{t("label")}</label>
        <input id="webhook-secret" ref={ref} readOnly value={secret} onFocus={(e) => e.target.select()} className={`${inputClass} w-full max-w-xl font-mono`} />
        <button type="button" className={primaryButton} onClick={() => void copy()}>{copied ? t("copied") : t("copy")}</button>
        <button type="button" className={secondaryButton} onClick={onDone}>{t("done")}</button>
      </div>
      <p aria-live="polite" className="mt-2 text-xs text-amber-900">{copied ? t("copiedNotice") : t("hint")}</p>
    </section>
  );
}

const STATUS_FILTERS = ["", "failed", "pending", "delivered"] as const;

function DeliveryLog({ endpoint, onClose }: { endpoint: { id: string; url: string }; onClose: () => void }) {
  const t = useTranslations("settings.webhooks.log");
  const ts = useTranslations("settings.webhooks.status");
  const { relativeTime, formatDateTime } = useDates();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [status, setStatus] = useState<(typeof STATUS_FILTERS)[number]>("");
  const log = useInfiniteQuery(
    trpc.webhooks.deliveries.infiniteQueryOptions(
      { endpointId: endpoint.id, limit: 25, status: status || null },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchInterval: 5_000 },
    ),
  );
  const replay = useMutation(trpc.webhooks.replay.mutationOptions({ onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.webhooks.pathKey() }) }));
  const items = log.data?.pages.flatMap((p) => p.items);
  return (
    <Panel
      title={t("title", { url: endpoint.url })}
      actions={
        <div className="flex items-center gap-2">
          <label className="flex items-center gap-1 text-xs text-slate-700">
            {t("show")}
            <select className={inputClass} value={status} onChange={(e) => setStatus(e.target.value as (typeof STATUS_FILTERS)[number])}>
              {STATUS_FILTERS.map((s) => <option key={s} value={s}>{s ? ts(s) : t("all")}</option>)}
            </select>
          </label>
          <button type="button" className={secondaryButton} onClick={onClose}>{t("close")}</button>
        </div>
      }
    >
      {replay.error ? <div className="mb-3"><FormError error={replay.error} /></div> : null}
      <ListStates query={{ ...log, data: items }} emptyTitle={t("emptyTitle")} emptyText={status ? t("emptyStatus", { status }) : t("emptyText")}>
        {(rows) => (
          <>
            <SettingsTable testId="webhook-deliveries" columns={[t("column.event"), t("column.status"), t("column.attempts"), t("column.answer"), t("column.when")]}>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td className="px-4 py-2 align-top">
                    <code className="text-xs font-semibold text-slate-800">{d.eventType}</code>
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-slate-600">{t("payload", { id: d.eventId.slice(0, 8) })}</summary>
                      <pre className="mt-1 max-h-64 max-w-xl overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">{JSON.stringify(d.payload, null, 2)}</pre>
                    </details>
                  </td>
                  <td className="px-3 py-2 align-top"><StatusBadge status={d.status} /></td>
                  <td className="px-3 py-2 align-top text-xs text-slate-700">
                    {d.attempts}
                    {d.nextAttemptAt && d.attempts > 0 ? <span className="block text-slate-500" title={formatDateTime(d.nextAttemptAt)}>{t("next", { when: relativeTime(d.nextAttemptAt) })}</span> : null}
                  </td>
                  <td className="max-w-xs px-3 py-2 align-top text-xs text-slate-700">
                    {d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : null}
                    {d.lastDurationMs != null ? <span className="text-slate-500"> · {d.lastDurationMs} ms</span> : null}
                    {d.lastError ? <span className="block break-words text-red-800">{d.lastError}</span> : null}
                  </td>
                  <td className="px-3 py-2 align-top text-xs whitespace-nowrap text-slate-600" title={formatDateTime(d.createdAt)}>{relativeTime(d.createdAt)}</td>
                  <td className="px-3 py-2 text-end align-top">
                    {d.status === "delivered" || d.status === "failed" ? (
                      <button type="button" className={linkButton} disabled={replay.isPending} aria-label={t("replayLabel", { type: d.eventType, id: d.eventId })} onClick={() => replay.mutate({ deliveryId: d.id })}>
                        {t("replay")}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </SettingsTable>
            {log.hasNextPage ? (
              <div className="mt-3">
                <button type="button" className={secondaryButton} disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
                  {log.isFetchingNextPage ? t("loading") : t("older")}
                </button>
              </div>
            ) : null}
          </>
        )}
      </ListStates>
    </Panel>
  );
}
