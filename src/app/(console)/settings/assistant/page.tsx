import { AssistantSettings } from "./assistant-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Assistant" };

export default function AssistantPage() {
  return <AssistantSettings />;
}
