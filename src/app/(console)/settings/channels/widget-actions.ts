"use server";
// Admin action for widget inboxes: the websites allowed to embed each one.
import { revalidatePath } from "next/cache";
import { setAllowedOrigins } from "@/server/channels/widget/inboxes";
import { adminFormAction, type ChannelFormState } from "./admin-action";

export async function updateAllowedOriginsAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  return adminFormAction(async (viewer) => {
    const origins = await setAllowedOrigins(String(form.get("id") ?? ""), String(form.get("allowedOrigins") ?? ""), viewer.userId);
    revalidatePath("/settings/channels");
    return origins.length ? `Saved: ${origins.length} allowed origin${origins.length === 1 ? "" : "s"}.` : "Saved: any website may embed this widget.";
  });
}
