import { getTranslations } from "next-intl/server";
import { currentViewer } from "@/server/auth/session";
import { EmptyState } from "@/components/ui";
import { SettingsNav } from "./settings-nav";

export const dynamic = "force-dynamic";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const viewer = await currentViewer();
  const t = await getTranslations("settings.layout");
  if (viewer?.role !== "admin") {
    return (
      <div className="p-6">
        <EmptyState title={t("adminsOnlyTitle")}>{t("adminsOnlyText")}</EmptyState>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-6xl space-y-6 px-6 py-6">
      <div>
        <h1 className="text-xl font-semibold">{t("title")}</h1>
        <div className="mt-3">
          <SettingsNav />
        </div>
      </div>
      {children}
    </div>
  );
}
