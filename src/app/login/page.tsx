import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { db } from "@/server/db";
import { currentViewer } from "@/server/auth/session";
import { oidcSettings } from "@/env";
import { LoginForm } from "./login-form";
import { signInErrorKey } from "./sign-in-errors";

export const dynamic = "force-dynamic";
export async function generateMetadata() {
  const t = await getTranslations("pages.login");
  return { title: t("metaTitle") };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if ((await db.user.count()) === 0) redirect("/setup");
  if (await currentViewer()) redirect("/inbox");
  const { callbackUrl, error } = await searchParams;
  const sso = oidcSettings();
  const t = await getTranslations("pages.login");
  const errorKey = signInErrorKey(error);
  // Only local paths: never bounce a fresh session to another site.
  const next = callbackUrl && callbackUrl.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/inbox";
  return (
    <main className="flex min-h-full items-center justify-center bg-gradient-to-br from-brand-50 to-slate-100 px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto mb-3 flex h-12 w-12 items-center justify-center rounded-xl bg-brand-600 text-xl font-bold text-white" aria-hidden>
            T
          </div>
          <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
          <p className="mt-1 text-sm text-slate-500">{t("tagline")}</p>
        </div>
        <LoginForm next={next} ssoLabel={sso ? t("ssoButton", { provider: sso.displayName }) : null} initialError={errorKey ? t(`errors.${errorKey}`) : null} />
      </div>
    </main>
  );
}
