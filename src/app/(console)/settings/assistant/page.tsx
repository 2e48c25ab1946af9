import { getTranslations } from "next-intl/server";
import { AssistantSettings } from "./assistant-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.assistant");
  return { title: t("metaTitle") };
}

export default function AssistantPage() {
  return <AssistantSettings />;
}
