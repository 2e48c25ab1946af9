import { redirect } from "next/navigation";
import { db } from "@/server/db";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up" };

export default async function SetupPage() {
  if ((await db.user.count()) > 0) redirect("/login");
  return (
    <main className="flex min-h-full items-center justify-center bg-slate-100 px-4 py-12">
      <div className="w-full max-w-md">
        <h1 className="text-2xl font-semibold">Welcome to Throughline</h1>
        <p className="mt-1 mb-6 text-sm text-slate-600">Create the first administrator account. You can add teams, agents and inboxes next.</p>
        <SetupForm />
      </div>
    </main>
  );
}
