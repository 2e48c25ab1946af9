"use server";
// Admin action for every inbox kind: assign a conversation to the agent who replies first.
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { setAssignOnReply } from "@/server/inboxes/assignment";
import { adminFormAction, type ChannelFormState } from "./admin-action";

export async function updateAssignOnReplyAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  return adminFormAction(async (viewer) => {
    const on = await setAssignOnReply(String(form.get("id") ?? ""), form.get("assignOnReply") === "on", viewer.userId);
    revalidatePath("/settings/channels");
    const t = await getTranslations("settings.channels.action");
    return on ? t("assignOn") : t("assignOff");
  });
}
