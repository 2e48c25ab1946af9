import { getTranslations } from "next-intl/server";
import { currentViewer } from "@/server/auth/session";
import { EmptyState } from "@/components/ui";
import { SupervisorTabs } from "./tabs";

export const dynamic = "force-dynamic";

export default async function SupervisorLayout({ children }: { children: React.ReactNode }) {
  const viewer = await currentViewer();
  const t = await getTranslations("pages.supervisor.layout");
  if (!viewer || viewer.role === "agent") {
    return (
      <div className="mx-auto max-w-3xl p-6">
        <EmptyState title={t("supervisorsOnlyTitle")}>{t("supervisorsOnlyText")}</EmptyState>
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
