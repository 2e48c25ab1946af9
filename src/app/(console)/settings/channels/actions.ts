"use server";
// Admin actions for social inboxes; the service validates and audits.
import { revalidatePath } from "next/cache";
import { currentViewer } from "@/server/auth/session";
import { createSocialInbox, SocialInboxError, updateSocialInbox } from "@/server/channels/social/inboxes";

export type ChannelFormState = { error?: string; ok?: string };

async function admin() {
  const viewer = await currentViewer();
  if (viewer?.role !== "admin") throw new SocialInboxError("invalid_input", "Only admins may change inboxes.");
  return viewer;
}

function message(error: unknown) {
  return error instanceof SocialInboxError ? error.message : "Something went wrong; nothing was changed.";
}

export async function createChannelAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  try {
    const viewer = await admin();
    const created = await createSocialInbox(
      {
        channel: String(form.get("channel") ?? "") as never,
        name: String(form.get("name") ?? ""),
        publicId: String(form.get("publicId") ?? ""),
        tokenEnv: String(form.get("tokenEnv") ?? "").trim() || undefined,
        teamIds: form.getAll("teamIds").map(String),
      },
      viewer.userId,
    );
    revalidatePath("/settings/channels");
    return { ok: `Created “${created.name}”. Point the platform's webhook at ${created.webhookUrl}.` };
  } catch (error) {
    return { error: message(error) };
  }
}

export async function updateChannelAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  try {
    const viewer = await admin();
    await updateSocialInbox(
      String(form.get("id") ?? ""),
      { name: String(form.get("name") ?? "") || undefined, publicId: String(form.get("publicId") ?? "") || undefined, tokenEnv: String(form.get("tokenEnv") ?? "") || undefined },
      viewer.userId,
    );
    revalidatePath("/settings/channels");
    return { ok: "Saved." };
  } catch (error) {
    return { error: message(error) };
  }
}
