import { SlaSettings } from "./sla-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "SLA policies" };

export default function SlaPage() {
  return <SlaSettings />;
}
