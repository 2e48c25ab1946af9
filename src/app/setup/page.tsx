import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { db } from "@/server/db";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export async function generateMetadata() {
  const t = await getTranslations("pages.setup");
  return { title: t("metaTitle") };
}

export default async function SetupPage() {
  if ((await db.user.count()) > 0) redirect("/login");
  const t = await getTranslations("pages.setup");
  return (
    <main className="flex min-h-full items-center justify-center bg-slate-100 px-4 py-12">
      <div className="w-full max-w-md">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 mb-6 text-sm text-slate-600">{t("intro")}</p>
        <SetupForm />
      </div>
    </main>
  );
}
