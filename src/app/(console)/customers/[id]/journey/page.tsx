import { JourneyView } from "./journey-view";
import { idOrNotFound } from "@/app/(console)/route-id";

export const dynamic = "force-dynamic";
export const metadata = { title: "Journey map" };

export default async function JourneyPage({ params }: { params: Promise<{ id: string }> }) {
  const id = idOrNotFound((await params).id);
  return <JourneyView customerId={id} />;
}
