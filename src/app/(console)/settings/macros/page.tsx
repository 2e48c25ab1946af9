import { getTranslations } from "next-intl/server";
import { MacrosSettings } from "./macros-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("macros");
  return { title: t("title") };
}

export default function MacrosPage() {
  return <MacrosSettings />;
}
