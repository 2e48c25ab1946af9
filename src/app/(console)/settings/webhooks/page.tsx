import { WebhooksSettings } from "./webhooks-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "Webhooks" };

export default function WebhooksPage() {
  return <WebhooksSettings />;
}
