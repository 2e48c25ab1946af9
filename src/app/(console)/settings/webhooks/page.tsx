import { getTranslations } from "next-intl/server";
import { WebhooksSettings } from "./webhooks-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.webhooks");
  return { title: t("metaTitle") };
}

export default function WebhooksPage() {
  return <WebhooksSettings />;
}
