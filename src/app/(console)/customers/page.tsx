import { CustomerDirectory } from "./customer-directory";

export const metadata = { title: "Customers" };

export default function CustomersPage() {
  return (
    <div className="mx-auto max-w-5xl px-6 py-6">
      <h1 className="text-xl font-semibold">Customers</h1>
      <p className="mb-4 text-sm text-slate-500">Everyone who has reached you on any channel. Search by name, email, phone or any identity.</p>
      <CustomerDirectory />
    </div>
  );
}
