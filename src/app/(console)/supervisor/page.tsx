import { getTranslations } from "next-intl/server";
import { SupervisorBoard } from "./board";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("pages.supervisor.metaTitle");
  return { title: t("board") };
}

export default function SupervisorPage() {
  return <SupervisorBoard />;
}
