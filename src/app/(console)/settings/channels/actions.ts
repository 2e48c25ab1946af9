"use server";
// Admin actions for social inboxes; the service validates and audits.
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { createSocialInbox, updateSocialInbox } from "@/server/channels/social/inboxes";
import { adminFormAction, type ChannelFormState } from "./admin-action";

export type { ChannelFormState };

export async function createChannelAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  return adminFormAction(async (viewer) => {
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
    return (await getTranslations("settings.channels.action"))("created", { name: created.name, url: created.webhookUrl });
  });
}

export async function updateChannelAction(_prev: ChannelFormState, form: FormData): Promise<ChannelFormState> {
  return adminFormAction(async (viewer) => {
    await updateSocialInbox(
      String(form.get("id") ?? ""),
      { name: String(form.get("name") ?? "") || undefined, publicId: String(form.get("publicId") ?? "") || undefined, tokenEnv: String(form.get("tokenEnv") ?? "") || undefined },
      viewer.userId,
    );
    revalidatePath("/settings/channels");
    return (await getTranslations("settings.channels.action"))("saved");
  });
}
