// Replies on WhatsApp through the Cloud API:
// POST {WHATSAPP_GRAPH_URL}/{phone-number-id}/messages, Authorization: Bearer <token>
//   {messaging_product:"whatsapp", recipient_type:"individual", to:wa_id, type:"text", text:{body, preview_url:false}}
// Free-form messages only within 24 hours of the customer's last message.
import { env } from "@/env";
import { PermanentSendError } from "@/server/outbox/outbox";
import { graphBase } from "@/server/channels/meta/send";
import { classifyGraphError, postJson, recipientOf, requireText, requireToken, toSendError, withSendErrorLog, type SocialSend } from "@/server/channels/social/send";
import { evaluateWindow, lastInboundAt } from "@/server/channels/social/window";

export type WhatsAppSendBody = {
  messaging_product: "whatsapp";
  recipient_type: "individual";
  to: string;
  type: "text";
  text: { body: string; preview_url: boolean };
};

export async function sendWhatsAppMessage(send: SocialSend, now: Date = new Date()): Promise<{ platformMessageId: string }> {
  if (send.inbox.channel !== "whatsapp") throw new PermanentSendError(`not a WhatsApp inbox: ${send.inbox.channel}`);
  return withSendErrorLog("whatsapp", send, async () => {
    const text = requireText(send, "WhatsApp", 4096);
    const window = evaluateWindow("whatsapp", await lastInboundAt(send.conversation), now);
    if (!window.canSend) throw new PermanentSendError(window.message!);
    const token = requireToken(send.inbox);
    const to = await recipientOf(send, ["whatsapp_wa_id", "phone"], "WhatsApp number");
    const body: WhatsAppSendBody = { messaging_product: "whatsapp", recipient_type: "individual", to, type: "text", text: { body: text, preview_url: false } };
    const url = `${graphBase(env().WHATSAPP_GRAPH_URL)}/${encodeURIComponent(send.inbox.publicId)}/messages`;
    const res = await postJson(url, body, { authorization: `Bearer ${token}` }, [token]);
    const id = (res.body as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
    if (res.status >= 200 && res.status < 300 && typeof id === "string" && id) return { platformMessageId: id };
    if (res.status >= 200 && res.status < 300) throw new PermanentSendError("WhatsApp accepted the request but returned no message id");
    throw toSendError(classifyGraphError("WhatsApp", res));
  });
}
