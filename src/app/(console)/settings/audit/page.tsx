import { getTranslations } from "next-intl/server";
import { AuditLog } from "./audit-log";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.audit");
  return { title: t("metaTitle") };
}

export default function AuditPage() {
  return <AuditLog />;
}
