"use client";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { setupAction, type SetupState } from "./actions";

const field = "mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100";

export function SetupForm() {
  const t = useTranslations("pages.setup");
  const [state, action, pending] = useActionState<SetupState, FormData>(setupAction, {});
  return (
    <form action={action} className="space-y-4 rounded-2xl border border-slate-200 bg-surface p-6 shadow-sm">
      <div>
        <label htmlFor="name" className="block text-sm font-medium">{t("name")}</label>
        <input id="name" name="name" required className={field} />
      </div>
      <div>
        <label htmlFor="email" className="block text-sm font-medium">{t("email")}</label>
        <input id="email" name="email" type="email" required className={field} />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium">{t("password")}</label>
        <input id="password" name="password" type="password" minLength={10} required className={field} />
      </div>
      {state.error ? <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">{state.error}</p> : null}
      <button type="submit" disabled={pending} className="w-full rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
