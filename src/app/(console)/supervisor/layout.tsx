import { currentViewer } from "@/server/auth/session";
import { EmptyState } from "@/components/ui";
import { SupervisorTabs } from "./tabs";

export const dynamic = "force-dynamic";

export default async function SupervisorLayout({ children }: { children: React.ReactNode }) {
  const viewer = await currentViewer();
  if (!viewer || viewer.role === "agent") {
    return (
      <div className="mx-auto max-w-3xl p-6">
        <EmptyState title="Supervisors only">
          The live queue board, metrics and the journey funnel are for supervisors and admins. Ask an admin for the supervisor role.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-[1400px] px-6 py-5">
      <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
        <SupervisorTabs />
      </div>
      {children}
    </div>
  );
}
