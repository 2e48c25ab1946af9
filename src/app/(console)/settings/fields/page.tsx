import { getTranslations } from "next-intl/server";
import { FieldsSettings } from "./fields-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("fields");
  return { title: t("settings.title") };
}

export default function FieldsPage() {
  return <FieldsSettings />;
}
