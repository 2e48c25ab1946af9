"use server";
// Admin action for every inbox kind: assign a conversation to the agent who replies first.
import { revalidatePath } from "next/cache";
import { currentViewer } from "@/server/auth/session";
import { InboxSettingError, setAssignOnReply } from "@/server/inboxes/assignment";
import type { ChannelFormState } from "./actions";

export async function updateAssignOnReplyAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  try {
    const viewer = await currentViewer();
    if (viewer?.role !== "admin") throw new InboxSettingError("Only admins may change inboxes.");
    const on = await setAssignOnReply(String(form.get("id") ?? ""), form.get("assignOnReply") === "on", viewer.userId);
    revalidatePath("/settings/channels");
    return { ok: on ? "Saved: the first agent to reply gets the conversation." : "Saved: replying leaves a conversation unassigned." };
  } catch (error) {
    return { error: error instanceof InboxSettingError ? error.message : "Something went wrong; nothing was changed." };
  }
}
