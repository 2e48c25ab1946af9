import { getTranslations } from "next-intl/server";
import { CustomerDirectory } from "./customer-directory";

export async function generateMetadata() {
  const t = await getTranslations("pages.customers");
  return { title: t("metaTitle") };
}

export default async function CustomersPage() {
  const t = await getTranslations("pages.customers");
  return (
    <div className="mx-auto max-w-5xl px-6 py-6">
      <h1 className="text-xl font-semibold">{t("title")}</h1>
      <p className="mb-4 text-sm text-slate-500">{t("intro")}</p>
      <CustomerDirectory />
    </div>
  );
}
