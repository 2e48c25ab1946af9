import { currentViewer } from "@/server/auth/session";
import { PeopleSettings } from "./people-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "People" };

export default async function PeoplePage() {
  const viewer = await currentViewer();
  return <PeopleSettings selfId={viewer?.userId ?? ""} />;
}
