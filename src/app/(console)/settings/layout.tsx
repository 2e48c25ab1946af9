import { currentViewer } from "@/server/auth/session";
import { EmptyState } from "@/components/ui";
import { SettingsNav } from "./settings-nav";

export const dynamic = "force-dynamic";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const viewer = await currentViewer();
  if (viewer?.role !== "admin") {
    return (
      <div className="p-6">
        <EmptyState title="Admins only">Settings (teams, agents, SLA policies, automation rules, surveys and the help center) are managed by admins.</EmptyState>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-6xl space-y-6 px-6 py-6">
      <div>
        <h1 className="text-xl font-semibold">Settings</h1>
        <div className="mt-3">
          <SettingsNav />
        </div>
      </div>
      {children}
    </div>
  );
}
