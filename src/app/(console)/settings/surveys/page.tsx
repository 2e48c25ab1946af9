import { getTranslations } from "next-intl/server";
import { SurveySettings } from "./survey-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.surveys");
  return { title: t("metaTitle") };
}

export default function SurveysPage() {
  return <SurveySettings />;
}
