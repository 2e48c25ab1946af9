import { CustomerSingleView } from "./single-view";
import { idOrNotFound } from "@/app/(console)/route-id";

export const metadata = { title: "Customer" };

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const id = idOrNotFound((await params).id);
  return <CustomerSingleView customerId={id} />;
}
