"use server";
// Admin action for widget inboxes: the websites allowed to embed each one.
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { setAllowedOrigins } from "@/server/channels/widget/inboxes";
import { adminFormAction, type ChannelFormState } from "./admin-action";

export async function updateAllowedOriginsAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  return adminFormAction(async (viewer) => {
    const origins = await setAllowedOrigins(String(form.get("id") ?? ""), String(form.get("allowedOrigins") ?? ""), viewer.userId);
    revalidatePath("/settings/channels");
    const t = await getTranslations("settings.channels.action");
    return origins.length ? t("origins", { count: origins.length }) : t("originsOpen");
  });
}
