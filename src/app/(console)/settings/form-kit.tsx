"use client";
// Shared bits of the people, teams and API key settings forms.
import { useEffect, useRef } from "react";
import { useTranslations } from "next-intl";
import { EmptyState, ErrorState, Skeleton, type ShownError } from "@/components/ui";

export const inputClass = "rounded-md border border-slate-300 bg-surface px-2.5 py-1.5 text-sm text-slate-900 placeholder:text-slate-400 focus:border-brand-500";
export const primaryButton = "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50";
export const secondaryButton = "rounded-md px-3 py-1.5 text-sm text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50";
export const linkButton = "text-sm font-medium text-brand-700 hover:underline disabled:opacity-50";
export const dangerLink = "text-sm font-medium text-red-700 hover:underline disabled:opacity-50";

type TrpcLikeError = { message: string; data?: { zodError?: { fieldErrors?: Record<string, string[] | undefined>; formErrors?: string[] } | null } | null };

/** The first field message of a zod error (what the admin typed wrong), else the server's message. */
export function errorMessage(error: unknown): string | null {
  if (!error) return null;
  const e = error as TrpcLikeError;
  const zod = e.data?.zodError;
  if (zod) {
    const first = Object.values(zod.fieldErrors ?? {}).find((m) => m && m.length)?.[0] ?? zod.formErrors?.[0];
    if (first) return first;
  }
  return e.message;
}

export function FormError({ error }: { error: unknown }) {
  const message = errorMessage(error);
  return message ? (
    <p role="alert" className="text-sm text-red-700">
      {message}
    </p>
  ) : null;
}

/** Success notices for screen readers and sighted admins alike. */
export function Notice({ text }: { text: string | null }) {
  return (
    <p aria-live="polite" className={text ? "rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200" : "sr-only"}>
      {text ?? ""}
    </p>
  );
}

/** Moves focus to the form's first field when it opens (keyboard users land in it). */
export function useFocusOnOpen<T extends HTMLElement>(open: boolean) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (open) ref.current?.focus();
  }, [open]);
  return ref;
}

export function Checklist<T extends { id: string }>({ legend, items, selected, onChange, render, empty }: { legend: string; items: T[]; selected: string[]; onChange: (ids: string[]) => void; render: (item: T) => React.ReactNode; empty?: string }) {
  const t = useTranslations("settings.kit");
  return (
    <fieldset className="rounded-lg border border-slate-200 p-3">
      <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-600">{legend}</legend>
      {items.length === 0 ? <p className="text-sm text-slate-500">{empty ?? t("nothingToChoose")}</p> : null}
      <ul className="grid gap-1.5 sm:grid-cols-2 lg:grid-cols-3">
        {items.map((item) => (
          <li key={item.id}>
            <label className="flex cursor-pointer items-start gap-2 rounded-md px-1.5 py-1 text-sm hover:bg-slate-50">
              <input
                type="checkbox"
                className="mt-0.5 h-4 w-4 shrink-0 accent-brand-600"
                checked={selected.includes(item.id)}
                onChange={(e) => onChange(e.target.checked ? [...selected, item.id] : selected.filter((x) => x !== item.id))}
              />
              {render(item)}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** A settings form's submit and cancel buttons, with the server's error beside them. */
export function FormActions({ submitLabel, saving, onCancel, error }: { submitLabel: string; saving: boolean; onCancel: () => void; error: unknown }) {
  const t = useTranslations("settings.kit");
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button type="submit" disabled={saving} className={primaryButton}>
        {submitLabel}
      </button>
      <button type="button" onClick={onCancel} className={secondaryButton}>
        {t("cancel")}
      </button>
      <FormError error={error} />
    </div>
  );
}

/** A settings list's four states: loading, failed (with retry), empty, or the items. */
export function ListStates<T>({ query, lines = 3, emptyTitle, emptyText, children }: {
  query: { isPending: boolean; isError: boolean; error: ShownError; data: T[] | undefined; refetch: () => unknown };
  lines?: number;
  emptyTitle: string;
  emptyText: string;
  children: (items: T[]) => React.ReactNode;
}) {
  if (query.isPending) return <Skeleton lines={lines} />;
  if (query.isError || !query.data) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  if (query.data.length === 0) return <EmptyState title={emptyTitle}>{emptyText}</EmptyState>;
  return <>{children(query.data)}</>;
}

/** The settings tables' shell: column headers (the last one, for row actions, read only by screen readers) and a body of rows. */
export function SettingsTable({ testId, columns, children }: { testId: string; columns: string[]; children: React.ReactNode }) {
  const t = useTranslations("settings.kit");
  return (
    <div className="-mx-4 overflow-x-auto">
      <table className="w-full text-sm" data-testid={testId}>
        <thead className="border-b border-slate-100 text-start text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {columns.map((c, i) => (
              <th key={c} scope="col" className={i === 0 ? "px-4 py-2" : "px-3 py-2"}>{c}</th>
            ))}
            <th scope="col" className="px-3 py-2"><span className="sr-only">{t("actions")}</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
