import { TeamsSettings } from "./teams-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Teams" };

export default function TeamsPage() {
  return <TeamsSettings />;
}
