import { getTranslations } from "next-intl/server";
import { MetricsView } from "./metrics-view";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("pages.supervisor.metaTitle");
  return { title: t("metrics") };
}

export default function MetricsPage() {
  return <MetricsView />;
}
