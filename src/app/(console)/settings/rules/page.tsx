import { RulesSettings } from "./rules-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Automation rules" };

export default function RulesPage() {
  return <RulesSettings />;
}
