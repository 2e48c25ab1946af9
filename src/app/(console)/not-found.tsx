// What notFound() in a console page shows (e.g. a malformed id in the URL): the
// same calm notice as an unknown id, inside the console.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { NotFoundNotice } from "@/components/ui";

export default async function ConsoleNotFound() {
  const t = await getTranslations("pages.notFound");
  return (
    <div className="mx-auto max-w-3xl space-y-3 p-6">
      <NotFoundNotice message={t("malformedId")} />
      <p className="text-sm">
        <Link href="/inbox" className="font-medium text-brand-700 hover:underline">{t("backToInbox")}</Link>
      </p>
    </div>
  );
}
