import { getTranslations } from "next-intl/server";
import { FunnelView } from "./funnel-view";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("pages.supervisor.metaTitle");
  return { title: t("funnel") };
}

export default function FunnelPage() {
  return <FunnelView />;
}
