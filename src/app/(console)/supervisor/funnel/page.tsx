import { FunnelView } from "./funnel-view";

export const dynamic = "force-dynamic";
export const metadata = { title: "Journey funnel" };

export default function FunnelPage() {
  return <FunnelView />;
}
