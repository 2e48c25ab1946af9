import { getTranslations } from "next-intl/server";
import { SlaSettings } from "./sla-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.sla");
  return { title: t("metaTitle") };
}

export default function SlaPage() {
  return <SlaSettings />;
}
