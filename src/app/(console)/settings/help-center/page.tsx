import { HelpCenterEditor } from "./editor";

export const dynamic = "force-dynamic";
export const metadata = { title: "Help-center articles" };

export default function HelpCenterSettingsPage() {
  return <HelpCenterEditor />;
}
