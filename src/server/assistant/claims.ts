// A summary is a list of claims, each pointing at the timeline items it comes
// from, so the agent can check every sentence against the record.
import type { TimelineItem } from "@/server/timeline/query";
import { shorten } from "./context";

export const CLAIM_SECTIONS = ["conversation", "purchase", "open_conversations", "problems", "promises", "open_questions", "survey", "emotion", "other"] as const;
export type ClaimSection = (typeof CLAIM_SECTIONS)[number];

export type ClaimRef = { eventId: string; occurredAt: string; channel: string; kind: string; conversationId: string | null; excerpt: string };
export type Claim = { section: ClaimSection; text: string; refs: ClaimRef[] };

export function refOf(item: TimelineItem): ClaimRef {
  return { eventId: item.id, occurredAt: item.occurredAt, channel: item.channel, kind: item.kind, conversationId: item.conversationId, excerpt: shorten(item.text, 160) };
}

export function claim(section: ClaimSection, text: string, items: TimelineItem[]): Claim {
  return { section, text, refs: items.map(refOf) };
}
