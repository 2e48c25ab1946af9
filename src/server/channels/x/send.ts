// Replies on X through the v2 DM API:
// POST {X_API_URL}/2/dm_conversations/with/{participant_id}/messages, Authorization: Bearer <token>
//   {text} → {data:{dm_conversation_id, dm_event_id}}
import { env } from "@/env";
import { PermanentSendError } from "@/server/outbox/outbox";
import { classifyXError, postJson, recipientOf, requireText, requireToken, toSendError, withSendErrorLog, type SocialSend } from "@/server/channels/social/send";

export type XSendBody = { text: string };

export async function sendXMessage(send: SocialSend): Promise<{ platformMessageId: string }> {
  if (send.inbox.channel !== "x") throw new PermanentSendError(`not an X inbox: ${send.inbox.channel}`);
  return withSendErrorLog("x", send, async () => {
    const text = requireText(send, "X", 10_000);
    const token = requireToken(send.inbox);
    const participant = await recipientOf(send, ["x_user_id"], "X user id");
    const body: XSendBody = { text };
    const url = `${env().X_API_URL.replace(/\/+$/, "")}/2/dm_conversations/with/${encodeURIComponent(participant)}/messages`;
    const res = await postJson(url, body, { authorization: `Bearer ${token}` }, [token]);
    const id = (res.body as { data?: { dm_event_id?: unknown } } | null)?.data?.dm_event_id;
    if (res.status >= 200 && res.status < 300 && typeof id === "string" && id) return { platformMessageId: id };
    if (res.status >= 200 && res.status < 300) throw new PermanentSendError("X accepted the request but returned no event id");
    throw toSendError(classifyXError(res));
  });
}
