import { getTranslations } from "next-intl/server";
import { RulesSettings } from "./rules-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.rules");
  return { title: t("metaTitle") };
}

export default function RulesPage() {
  return <RulesSettings />;
}
