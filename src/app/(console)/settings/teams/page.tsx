import { getTranslations } from "next-intl/server";
import { TeamsSettings } from "./teams-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.teams");
  return { title: t("metaTitle") };
}

export default function TeamsPage() {
  return <TeamsSettings />;
}
