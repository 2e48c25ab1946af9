import { getTranslations } from "next-intl/server";
import { currentViewer } from "@/server/auth/session";
import { PeopleSettings } from "./people-settings";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.people");
  return { title: t("metaTitle") };
}

export default async function PeoplePage() {
  const viewer = await currentViewer();
  return <PeopleSettings selfId={viewer?.userId ?? ""} />;
}
