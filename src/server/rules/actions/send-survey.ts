// send_survey: a CSAT, NPS or CES survey on the conversation (or to the customer).
import { db } from "@/server/db";
import { sendSurvey } from "@/server/surveys/service";
import { audit, ruleLabel } from "./steps";
import type { RuleAction } from "./types";

export const sendSurveyAction: RuleAction<"send_survey"> = async (a, x) => {
  const label = ruleLabel(x);
  const r = await sendSurvey({
    kind: a.kind,
    conversationId: x.conversationId,
    customerId: x.ctx.customer?.id,
    clientMessageId: `rule:${x.rule.id}:${x.depth}:${x.triggerKey}:${x.index}`.slice(0, 200),
  });
  x.conversationId ??= r.conversationId;
  await audit(db, x, a.type, "survey", r.surveyId, { kind: a.kind, conversationId: r.conversationId });
  return `${label} sent a ${a.kind.toUpperCase()} survey`;
};
