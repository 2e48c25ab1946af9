// Replies on Messenger and Instagram through the Send API:
// POST {META_GRAPH_URL}/me/messages?access_token=<page token>
//   {recipient:{id:PSID|IGSID}, messaging_type:"RESPONSE", message:{text}}
// Within 24 hours of the customer's last message a normal RESPONSE; up to 7
// days later with the HUMAN_AGENT tag; after that refused (the platform would).
import { env } from "@/env";
import { PermanentSendError } from "@/server/outbox/outbox";
import { classifyGraphError, postJson, recipientOf, requireText, requireToken, toSendError, withSendErrorLog, type SocialSend } from "@/server/channels/social/send";
import { evaluateWindow, lastInboundAt } from "@/server/channels/social/window";

export type MetaSendBody = {
  recipient: { id: string };
  messaging_type: "RESPONSE" | "MESSAGE_TAG";
  tag?: "HUMAN_AGENT";
  message: { text: string };
};

export function graphBase(url: string): string {
  return url.replace(/\/+$/, "");
}

export async function sendMetaMessage(send: SocialSend, now: Date = new Date()): Promise<{ platformMessageId: string }> {
  const channel = send.inbox.channel;
  if (channel !== "messenger" && channel !== "instagram") throw new PermanentSendError(`not a Meta inbox: ${channel}`);
  return withSendErrorLog(channel, send, async () => {
    const platform = channel === "instagram" ? "Instagram" : "Messenger";
    // Instagram: at most 1000 bytes of UTF-8; Messenger: 2000 characters.
    const text = channel === "instagram" ? requireText(send, platform, 1000, "bytes") : requireText(send, platform, 2000);
    const window = evaluateWindow(channel, await lastInboundAt(send.conversation), now);
    if (!window.canSend) throw new PermanentSendError(window.message!);
    const token = requireToken(send.inbox);
    const id = await recipientOf(send, [channel === "instagram" ? "instagram_id" : "messenger_psid"], `${platform} id`);
    const body: MetaSendBody =
      window.state === "open"
        ? { recipient: { id }, messaging_type: "RESPONSE", message: { text } }
        : { recipient: { id }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { text } };
    const url = `${graphBase(env().META_GRAPH_URL)}/me/messages?access_token=${encodeURIComponent(token)}`;
    const res = await postJson(url, body, {}, [token, encodeURIComponent(token)]);
    const mid = (res.body as { message_id?: unknown } | null)?.message_id;
    if (res.status >= 200 && res.status < 300 && typeof mid === "string" && mid) return { platformMessageId: mid };
    if (res.status >= 200 && res.status < 300) throw new PermanentSendError(`${platform} accepted the request but returned no message id`);
    throw toSendError(classifyGraphError(platform, res));
  });
}
