"use client";
// API keys for the REST and events APIs: list, create (the key is shown once,
// here, and never again: only its hash is stored), revoke.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { formatDateTime, relativeTime } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { FormError, Notice, dangerLink, inputClass, primaryButton, secondaryButton, useFocusOnOpen, FormActions , ListStates, SettingsTable } from "../form-kit";

const SCOPE_HELP: Record<string, string> = {
  "customers:read": "read customers and their timelines (GET /api/v1/customers…)",
  "events:write": "send product events (POST /api/v1/events)",
};

export function ApiKeysSettings() {
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
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: () => { setNotice("Key revoked: requests with it are refused."); invalidate(); } }));

  return (
    <div className="space-y-6">
      <Notice text={notice} />
      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : null}
      {creating ? (
        <Panel title="New API key">
          <CreateKeyForm scopes={scopes.data ?? []} saving={create.isPending} error={create.error} onCancel={() => setCreating(false)} onSubmit={(v) => create.mutate(v)} />
        </Panel>
      ) : null}
      <Panel
        title="API keys"
        actions={
          <button type="button" className={primaryButton} onClick={() => { create.reset(); setNotice(null); setCreated(null); setCreating(true); }}>
            New key
          </button>
        }
      >
        <p className="mb-3 text-sm text-slate-600">
          Integrations call the REST and events APIs with <code className="rounded bg-slate-100 px-1 text-xs">Authorization: Bearer &lt;key&gt;</code>. A key is shown once when created; only its first characters are kept to recognise it.
          {" "}The <a href="/settings/api-keys/reference" className="font-medium text-brand-700 hover:underline">API reference</a> lists every endpoint with its parameters and answers.
        </p>
        {revoke.error ? <div className="mb-3"><FormError error={revoke.error} /></div> : null}
        <ListStates query={keys} emptyTitle="No API keys yet" emptyText="Create one for each integration, with only the scopes it needs.">
          {(items) => (
            <SettingsTable testId="api-key-table" columns={["Name", "Key", "Scopes", "Created", "Last used"]}>
                {items.map((k) => (
                  <tr key={k.id} className={k.revokedAt ? "text-slate-500" : ""}>
                    <td className="px-4 py-2.5 font-medium">
                      {k.name}
                      {k.revokedAt ? <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-700">Revoked</span> : null}
                    </td>
                    <td className="px-3 py-2.5"><code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">{k.prefix}…</code></td>
                    <td className="px-3 py-2.5">
                      <ul className="flex flex-wrap gap-1">
                        {k.scopes.map((s) => <li key={s} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{s === "*" ? "full access" : s}</li>)}
                      </ul>
                    </td>
                    <td className="px-3 py-2.5 whitespace-nowrap text-slate-600">
                      <span title={formatDateTime(k.createdAt)}>{relativeTime(k.createdAt)}</span>
                      {k.createdBy ? (
                        <span className="block text-xs">
                          by {k.createdBy.name}
                          {k.createdBy.deactivatedAt && !k.revokedAt ? (
                            <span className="ml-1 rounded-full bg-amber-100 px-1.5 py-0.5 text-amber-800" title="The key still works: keys belong to the organisation. Revoke it if it should stop.">
                              creator deactivated
                            </span>
                          ) : null}
                        </span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2.5 whitespace-nowrap text-slate-600">{k.lastUsedAt ? <span title={formatDateTime(k.lastUsedAt)}>{relativeTime(k.lastUsedAt)}</span> : "Never"}</td>
                    <td className="px-3 py-2.5 text-right whitespace-nowrap">
                      {k.revokedAt ? (
                        <span className="text-xs" title={formatDateTime(k.revokedAt)}>revoked {relativeTime(k.revokedAt)}</span>
                      ) : (
                        <button
                          type="button"
                          className={dangerLink}
                          aria-label={`Revoke ${k.name}`}
                          disabled={revoke.isPending}
                          onClick={() => confirm(`Revoke the key “${k.name}” (${k.prefix}…)? Integrations using it stop working at once.`) && revoke.mutate({ id: k.id })}
                        >
                          Revoke
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
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const first = useFocusOnOpen<HTMLInputElement>(true);
  return (
    <form
      className="space-y-4"
      aria-label="New API key"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ name, scopes: chosen as ("customers:read" | "events:write")[] });
      }}
    >
      <label className="flex max-w-sm flex-col gap-1 text-xs font-medium text-slate-700">
        Name
        <input ref={first} required maxLength={80} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Billing sync" />
      </label>
      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Scopes</legend>
        <ul className="space-y-1.5">
          {scopes.map((s) => (
            <li key={s}>
              <label className="flex cursor-pointer items-center gap-2 text-sm">
                <input type="checkbox" className="h-4 w-4 accent-brand-600" checked={chosen.includes(s)} onChange={(e) => setChosen(e.target.checked ? [...chosen, s] : chosen.filter((x) => x !== s))} />
                <code className="text-xs font-semibold text-slate-800">{s}</code>
                <span className="text-slate-600">{SCOPE_HELP[s] ?? ""}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <FormActions submitLabel="Create key" saving={saving} onCancel={onCancel} error={error} />
    </form>
  );
}

function NewKey({ created, onDone }: { created: { name: string; key: string }; onDone: () => void }) {
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
    <section aria-label="Your new API key" className="rounded-xl bg-amber-50 p-4 ring-1 ring-amber-200" data-testid="new-api-key">
      <h2 className="text-sm font-semibold text-amber-950">Copy the key “{created.name}” now: it will not be shown again</h2>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor="new-key">New API key</label>
        <input id="new-key" ref={ref} readOnly value={created.key} onFocus={(e) => e.target.select()} className={`${inputClass} w-full max-w-xl font-mono`} />
        <button type="button" className={primaryButton} onClick={() => void copy()}>{copied ? "Copied" : "Copy"}</button>
        <button type="button" className={secondaryButton} onClick={onDone}>Done</button>
      </div>
      <p aria-live="polite" className="mt-2 text-xs text-amber-900">{copied ? "Copied to the clipboard." : "Store it in your integration’s secret settings."}</p>
    </section>
  );
}
