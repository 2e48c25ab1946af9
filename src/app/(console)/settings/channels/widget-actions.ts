"use server";
// Admin action for widget inboxes: the websites allowed to embed each one.
import { revalidatePath } from "next/cache";
import { currentViewer } from "@/server/auth/session";
import { setAllowedOrigins, WidgetInboxError } from "@/server/channels/widget/inboxes";
import type { ChannelFormState } from "./actions";

export async function updateAllowedOriginsAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  try {
    const viewer = await currentViewer();
    if (viewer?.role !== "admin") throw new WidgetInboxError("invalid_input", "Only admins may change inboxes.");
    const origins = await setAllowedOrigins(String(form.get("id") ?? ""), String(form.get("allowedOrigins") ?? ""), viewer.userId);
    revalidatePath("/settings/channels");
    return { ok: origins.length ? `Saved: ${origins.length} allowed origin${origins.length === 1 ? "" : "s"}.` : "Saved: any website may embed this widget." };
  } catch (error) {
    return { error: error instanceof WidgetInboxError ? error.message : "Something went wrong; nothing was changed." };
  }
}
