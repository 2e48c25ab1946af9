import { JourneyView } from "./journey-view";

export const dynamic = "force-dynamic";
export const metadata = { title: "Journey map" };

export default async function JourneyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <JourneyView customerId={id} />;
}
