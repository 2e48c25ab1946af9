// Settings opens on People (teams, inboxes and API keys are one tab away);
// the layout already refuses everyone but admins.
import { redirect } from "next/navigation";

export const dynamic = "force-dynamic";

export default function SettingsPage() {
  redirect("/settings/people");
}
