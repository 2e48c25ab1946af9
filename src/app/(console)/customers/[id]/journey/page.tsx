import { getTranslations } from "next-intl/server";
import { JourneyView } from "./journey-view";
import { idOrNotFound } from "@/app/(console)/route-id";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("pages.journey");
  return { title: t("metaTitle") };
}

export default async function JourneyPage({ params }: { params: Promise<{ id: string }> }) {
  const id = idOrNotFound((await params).id);
  return <JourneyView customerId={id} />;
}
