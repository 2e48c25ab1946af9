// What every settings → channels form action shares: only an admin may run
// it, and a refusal from the domain (a DomainError) is shown as its message
// while anything else is a generic error (nothing half-done is claimed).
import { getTranslations } from "next-intl/server";
import { currentViewer } from "@/server/auth/session";
import { hasRole, type Viewer } from "@/server/auth/viewer";
import { DomainError } from "@/server/lib/domain-error";

export type ChannelFormState = { error?: string; ok?: string };

/** Runs `change` as the signed-in admin and turns its outcome into the form's state. */
export async function adminFormAction(change: (viewer: Viewer) => Promise<string>): Promise<ChannelFormState> {
  const t = await getTranslations("settings.channels.action");
  try {
    const viewer = await currentViewer();
    if (!viewer || !hasRole(viewer, "admin")) throw new DomainError(t("forbidden"), "forbidden");
    return { ok: await change(viewer) };
  } catch (error) {
    // The domain's own refusals (DomainError) come in English from the services.
    return { error: error instanceof DomainError ? error.message : t("failed") };
  }
}
