"use client";
// API keys for the REST and events APIs: list, create (the key is shown once,
// here, and never again: only its hash is stored), revoke.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { formatDateTime as formatDateTimeIn, relativeTime as relativeTimeIn } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { FormError, Notice, dangerLink, inputClass, primaryButton, secondaryButton, useFocusOnOpen, FormActions , ListStates, SettingsTable } from "../form-kit";

/** The message key (settings.apiKeys.scopeHelp.*) explaining each scope. */
const SCOPE_HELP: Record<string, "customersRead" | "eventsWrite"> = {
  "customers:read": "customersRead",
  "events:write": "eventsWrite",
};

export function ApiKeysSettings() {
  const t = useTranslations("settings.apiKeys");
  const locale = useLocale();
  const relativeTime = (d: Date | string) => relativeTimeIn(d, Date.now(), locale);
  const formatDateTime = (d: Date | string) => formatDateTimeIn(d, locale);
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const scopes = useQuery(trpc.apiKeys.scopes.queryOptions());
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = () => void qc.invalidateQueries({ queryKey: trpc.apiKeys.pathKey() });
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: (k) => {
        setCreating(false);
        setCreated({ name: k.name, key: k.key });
        invalidate();
      },
    }),
  );
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: () => { setNotice(t("revokedNotice")); invalidate(); } }));

  return (
    <div className="space-y-6">
      <Notice text={notice} />
      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : null}
      {creating ? (
        <Panel title={t("newKeyTitle")}>
          <CreateKeyForm scopes={scopes.data ?? []} saving={create.isPending} error={create.error} onCancel={() => setCreating(false)} onSubmit={(v) => create.mutate(v)} />
        </Panel>
      ) : null}
      <Panel
        title={t("title")}
        actions={
          <button type="button" className={primaryButton} onClick={() => { create.reset(); setNotice(null); setCreated(null); setCreating(true); }}>
            {t("newKey")}
          </button>
        }
      >
        <p className="mb-3 text-sm text-slate-600">
          {t.rich("intro", {
            code: () => <code className="rounded bg-slate-100 px-1 text-xs">Authorization: Bearer &lt;key&gt;</code>,
            ref: (c) => <a href="/settings/api-keys/reference" className="font-medium text-brand-700 hover:underline">{c}</a>,
          })}
        </p>
        {revoke.error ? <div className="mb-3"><FormError error={revoke.error} /></div> : null}
        <ListStates query={keys} emptyTitle={t("emptyTitle")} emptyText={t("emptyText")}>
          {(items) => (
            <SettingsTable testId="api-key-table" columns={[t("column.name"), t("column.key"), t("column.scopes"), t("column.created"), t("column.lastUsed")]}>
                {items.map((k) => (
                  <tr key={k.id} className={k.revokedAt ? "text-slate-500" : ""}>
                    <td className="px-4 py-2.5 font-medium">
                      {k.name}
                      {k.revokedAt ? <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-700">{t("revokedBadge")}</span> : null}
                    </td>
                    <td className="px-3 py-2.5"><code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">{k.prefix}…</code></td>
                    <td className="px-3 py-2.5">
                      <ul className="flex flex-wrap gap-1">
                        {k.scopes.map((s) => <li key={s} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{s === "*" ? t("fullAccess") : s}</li>)}
                      </ul>
                    </td>
                    <td className="px-3 py-2.5 whitespace-nowrap text-slate-600">
                      <span title={formatDateTime(k.createdAt)}>{relativeTime(k.createdAt)}</span>
                      {k.createdBy ? (
                        <span className="block text-xs">
                          {t("by", { name: k.createdBy.name })}
                          {k.createdBy.deactivatedAt && !k.revokedAt ? (
                            <span className="ml-1 rounded-full bg-amber-100 px-1.5 py-0.5 text-amber-800" title={t("creatorDeactivatedTitle")}>
                              {t("creatorDeactivated")}
                            </span>
                          ) : null}
                        </span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2.5 whitespace-nowrap text-slate-600">{k.lastUsedAt ? <span title={formatDateTime(k.lastUsedAt)}>{relativeTime(k.lastUsedAt)}</span> : t("never")}</td>
                    <td className="px-3 py-2.5 text-end whitespace-nowrap">
                      {k.revokedAt ? (
                        <span className="text-xs" title={formatDateTime(k.revokedAt)}>{t("revokedAgo", { when: relativeTime(k.revokedAt) })}</span>
                      ) : (
                        <button
                          type="button"
                          className={dangerLink}
                          aria-label={t("revokeLabel", { name: k.name })}
                          disabled={revoke.isPending}
                          onClick={() => confirm(t("confirmRevoke", { name: k.name, prefix: k.prefix })) && revoke.mutate({ id: k.id })}
                        >
                          {t("revoke")}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
            </SettingsTable>
          )}
        </ListStates>
      </Panel>
    </div>
  );
}

function CreateKeyForm({ scopes, saving, error, onSubmit, onCancel }: { scopes: string[]; saving: boolean; error: unknown; onSubmit: (v: { name: string; scopes: ("customers:read" | "events:write")[] }) => void; onCancel: () => void }) {
  const t = useTranslations("settings.apiKeys");
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const first = useFocusOnOpen<HTMLInputElement>(true);
  return (
    <form
      className="space-y-4"
      aria-label={t("newKeyTitle")}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ name, scopes: chosen as ("customers:read" | "events:write")[] });
      }}
    >
      <label className="flex max-w-sm flex-col gap-1 text-xs font-medium text-slate-700">
        {t("form.name")}
        <input ref={first} required maxLength={80} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder={t("form.namePlaceholder")} />
      </label>
      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-600">{t("form.scopes")}</legend>
        <ul className="space-y-1.5">
          {scopes.map((s) => (
            <li key={s}>
              <label className="flex cursor-pointer items-center gap-2 text-sm">
                <input type="checkbox" className="h-4 w-4 accent-brand-600" checked={chosen.includes(s)} onChange={(e) => setChosen(e.target.checked ? [...chosen, s] : chosen.filter((x) => x !== s))} />
                <code className="text-xs font-semibold text-slate-800">{s}</code>
                <span className="text-slate-600">{SCOPE_HELP[s] ? t(`scopeHelp.${SCOPE_HELP[s]}`) : ""}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <FormActions submitLabel={t("form.create")} saving={saving} onCancel={onCancel} error={error} />
    </form>
  );
}

function NewKey({ created, onDone }: { created: { name: string; key: string }; onDone: () => void }) {
  const t = useTranslations("settings.apiKeys.created");
  const tk = useTranslations("settings.apiKeys");
  const [copied, setCopied] = useState(false);
  const ref = useFocusOnOpen<HTMLInputElement>(true);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      // No clipboard permission (e.g. plain http): select it for Ctrl+C.
      ref.current?.select();
    }
  };
  return (
    <section aria-label={t("label")} className="rounded-xl bg-amber-50 p-4 ring-1 ring-amber-200" data-testid="new-api-key">
      <h2 className="text-sm font-semibold text-amber-950">{t("heading", { name: created.name })}</h2>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor="new-key">{tk("newKeyTitle")}</label>
        <input id="new-key" ref={ref} readOnly value={created.key} onFocus={(e) => e.target.select()} className={`${inputClass} w-full max-w-xl font-mono`} />
        <button type="button" className={primaryButton} onClick={() => void copy()}>{copied ? t("copied") : t("copy")}</button>
        <button type="button" className={secondaryButton} onClick={onDone}>{t("done")}</button>
      </div>
      <p aria-live="polite" className="mt-2 text-xs text-amber-900">{copied ? t("copiedNotice") : t("storeIt")}</p>
    </section>
  );
}
