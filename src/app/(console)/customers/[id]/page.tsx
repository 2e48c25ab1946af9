import { CustomerSingleView } from "./single-view";

export const metadata = { title: "Customer" };

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CustomerSingleView customerId={id} />;
}
