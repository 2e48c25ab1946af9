// send_message: a reply on the conversation from the template, sent as the inbox's system author.
import { db } from "@/server/db";
import { sendReply } from "@/server/conversations/reply";
import { systemAuthorFor } from "@/server/surveys/service";
import { renderTemplate } from "../conditions";
import { audit, needConversation, ruleLabel } from "./steps";
import type { RuleAction } from "./types";

export const sendMessage: RuleAction<"send_message"> = async (a, x) => {
  const label = ruleLabel(x);
  const convId = await needConversation(x);
  const authorId = await systemAuthorFor(convId);
  if (!authorId) throw new Error("no user can send the message");
  const body = renderTemplate(a.body, x.ctx).trim();
  if (!body) throw new Error("the message is empty after filling the template");
  const r = await sendReply({ conversationId: convId, authorId, bodyText: body, clientMessageId: `rule:${x.rule.id}:${x.depth}:${x.triggerKey}:${x.index}`.slice(0, 200) });
  await audit(db, x, a.type, "conversation", convId, { messageId: r.messageId, body: body.slice(0, 500) });
  return `${label} sent a message`;
};
