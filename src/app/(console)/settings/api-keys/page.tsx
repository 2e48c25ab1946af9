import { getTranslations } from "next-intl/server";
import { ApiKeysSettings } from "./api-keys-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.apiKeys");
  return { title: t("metaTitle") };
}

export default function ApiKeysPage() {
  return <ApiKeysSettings />;
}
