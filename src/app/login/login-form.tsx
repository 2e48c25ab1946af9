"use client";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { credentialsErrorMessage } from "./sign-in-errors";

/** ssoLabel: the single sign-on button's text, null when it is not configured. initialError: why the last attempt came back here. */
export function LoginForm({ next, ssoLabel, initialError }: { next: string; ssoLabel: string | null; initialError: string | null }) {
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);
  const t = useTranslations("pages.login");

  function onSso() {
    setPending(true);
    setError(null);
    // next-auth's client asks for the provider's URL and navigates there (the CSP allows no form post to another site).
    void signIn("oidc", { callbackUrl: next }).catch(() => {
      setPending(false);
      setError(t("errors.ssoCouldNotStart"));
    });
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (!result || result.error) {
      setPending(false);
      setError(credentialsErrorMessage(result?.error ?? "CredentialsSignin", (key, values) => t(`errors.${key}`, values)));
      return;
    }
    window.location.assign(next);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4 rounded-2xl border border-slate-200 bg-surface p-6 shadow-sm" noValidate>
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          {t("email")}
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required autoFocus
          className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100" />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          {t("password")}
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required
          className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100" />
      </div>
      {error ? (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={pending}
        className="w-full rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:opacity-60">
        {pending ? t("submitting") : t("submit")}
      </button>
      {ssoLabel ? (
        <>
          <div className="flex items-center gap-3 text-xs text-slate-500" aria-hidden>
            <span className="h-px flex-1 bg-slate-200" />
            {t("or")}
            <span className="h-px flex-1 bg-slate-200" />
          </div>
          <button type="button" onClick={onSso} disabled={pending}
            className="w-full rounded-lg border border-slate-300 bg-surface px-4 py-2 text-sm font-semibold text-slate-700 shadow-sm hover:bg-slate-50 disabled:opacity-60">
            {ssoLabel}
          </button>
        </>
      ) : null}
    </form>
  );
}
