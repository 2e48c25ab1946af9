"use client";
// The widget inbox's allowed origins, with the warning an open widget deserves.
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import type { ChannelFormState } from "./actions";
import { updateAllowedOriginsAction } from "./widget-actions";

export function WidgetOriginsForm({ inbox }: { inbox: { id: string; name: string; allowedOrigins: string[] } }) {
  const t = useTranslations("settings.channels");
  const [state, action, pending] = useActionState<ChannelFormState, FormData>(updateAllowedOriginsAction, {});
  const open = inbox.allowedOrigins.length === 0;
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="id" value={inbox.id} />
      {open ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900">
          {t("origins.open")}
        </p>
      ) : null}
      <label className="block text-xs font-medium text-slate-600">
        {t("origins.label")}
        <textarea
          name="allowedOrigins"
          rows={3}
          defaultValue={inbox.allowedOrigins.join("\n")}
          placeholder="https://www.example.com"
          className="mt-1 block w-full rounded-lg border border-slate-300 px-2.5 py-1.5 font-mono text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100"
        />
      </label>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className="rounded-lg border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60">{pending ? t("form.saving") : t("origins.save")}</button>
        {state.error ? <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{state.error}</p> : null}
        {state.ok ? <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{state.ok}</p> : null}
      </div>
    </form>
  );
}
