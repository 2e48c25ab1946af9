import { getTranslations } from "next-intl/server";
import { CustomerSingleView } from "./single-view";
import { idOrNotFound } from "@/app/(console)/route-id";

export async function generateMetadata() {
  const t = await getTranslations("pages.customers.singleView");
  return { title: t("metaTitle") };
}

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const id = idOrNotFound((await params).id);
  return <CustomerSingleView customerId={id} />;
}
