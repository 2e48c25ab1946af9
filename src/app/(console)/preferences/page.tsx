import { getTranslations } from "next-intl/server";
import { PreferencesForm } from "./preferences-form";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("preferences");
  return { title: t("title") };
}

export default function PreferencesPage() {
  return <PreferencesForm />;
}
