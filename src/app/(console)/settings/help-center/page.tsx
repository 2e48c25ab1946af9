import { getTranslations } from "next-intl/server";
import { HelpCenterEditor } from "./editor";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.helpCenter");
  return { title: t("metaTitle") };
}

export default function HelpCenterSettingsPage() {
  return <HelpCenterEditor />;
}
