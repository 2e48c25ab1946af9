"use client";
// A widget inbox's language and colour scheme: pinned, or following the
// visitor (their browser's language, the host page's prefers-color-scheme).
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { LOCALE_NAMES, LOCALES } from "@/i18n/locales";
import type { ChannelFormState } from "./actions";
import { updateWidgetAppearanceAction } from "./widget-appearance-actions";

const selectClass = "mt-1 block w-full rounded-lg border border-slate-300 bg-surface px-2.5 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100";

export function WidgetAppearanceForm({ inbox }: { inbox: { id: string; name: string; locale: string | null; theme: "light" | "dark" | null } }) {
  const t = useTranslations("settings.widgetAppearance");
  const [state, action, pending] = useActionState<ChannelFormState, FormData>(updateWidgetAppearanceAction, {});
  return (
    <form action={action} className="mt-3 space-y-2" aria-label={t("form", { name: inbox.name })}>
      <input type="hidden" name="id" value={inbox.id} />
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block text-xs font-medium text-slate-600">
          {t("language")}
          <select name="locale" defaultValue={inbox.locale ?? ""} className={selectClass}>
            <option value="">{t("followBrowser")}</option>
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {LOCALE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-xs font-medium text-slate-600">
          {t("theme")}
          <select name="theme" defaultValue={inbox.theme ?? ""} className={selectClass}>
            <option value="">{t("followPage")}</option>
            <option value="light">{t("light")}</option>
            <option value="dark">{t("dark")}</option>
          </select>
        </label>
      </div>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className="rounded-lg border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60">
          {pending ? t("saving") : t("save")}
        </button>
        {state.error ? <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{state.error}</p> : null}
        {state.ok ? <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{state.ok}</p> : null}
      </div>
    </form>
  );
}
