// Timeline items as the public REST API shows them (CONTRACTS.md, "Timeline
// page contract"): the fixed fields always, the rest only where they apply.
import type { TimelineItem } from "./query";

export type ApiTimelineItem = {
  id: string;
  occurredAt: string;
  kind: TimelineItem["kind"];
  channel: TimelineItem["channel"];
  actor: TimelineItem["actor"];
  text: string;
  [field: string]: unknown;
};

/** The public shape of a timeline item: fields that do not apply are left out. */
export function toApiItem(i: TimelineItem): ApiTimelineItem {
  const out: ApiTimelineItem = { id: i.id, occurredAt: i.occurredAt, kind: i.kind, channel: i.channel, actor: i.actor, text: i.text };
  const optional: [string, unknown][] = [
    ["name", i.name],
    ["conversationId", i.conversationId],
    ["conversationNumber", i.conversationNumber],
    ["inboxId", i.inboxId],
    ["messageId", i.messageId],
    ["direction", i.direction],
    ["deliveryStatus", i.deliveryStatus],
    ["deliveryError", i.deliveryError],
    ["subject", i.subject],
    ["bodyHtml", i.bodyHtml],
    ["quotedText", i.quotedText],
    ["actorUserId", i.actorUserId],
    ["actorName", i.actorName],
    ["emotion", i.emotion],
  ];
  for (const [k, v] of optional) if (v !== null && v !== undefined) out[k] = v;
  if (i.attachments.length > 0) out.attachments = i.attachments;
  if (i.payload && typeof i.payload === "object" && Object.keys(i.payload).length > 0) out.payload = i.payload;
  return out;
}

