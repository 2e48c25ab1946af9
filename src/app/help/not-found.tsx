// An article address that names nothing (unknown or malformed slug or locale).
import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function HelpNotFound() {
  const t = await getTranslations("help.notFound");
  return (
    <main className="mx-auto max-w-5xl px-6 py-8">
      <div role="status" className="rounded-2xl bg-surface p-6 ring-1 ring-slate-200" data-testid="not-found">
        <h1 className="text-xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("body")}</p>
        <p className="mt-3 text-sm"><Link href="/help" className="font-medium text-brand-700 hover:underline">{t("browse")}</Link></p>
      </div>
    </main>
  );
}
