// The domain's closed vocabularies, in one module. Each list is derived from
// the enum Prisma generates from prisma/schema.prisma (the source of truth),
// so a new channel, status or priority is added to the schema and nowhere
// else. Plain objects and arrays: safe to import from client components and
// the widget bundle.
import {
  Actor,
  ArticleStatus,
  ChannelKind,
  ConversationStatus,
  DeliveryStatus,
  IdentityKind,
  JourneyStage,
  Priority,
  Role,
  SurveyKind,
  TimelineKind,
} from "@/generated/prisma/enums";

export type { Actor, ArticleStatus, ChannelKind, ConversationStatus, DeliveryStatus, IdentityKind, JourneyStage, Priority, Role, SurveyKind, TimelineKind };

/** An enum object's values in schema order, typed as the non-empty tuple z.enum wants. */
function valuesOf<T extends Record<string, string>>(e: T): readonly [T[keyof T], ...T[keyof T][]] {
  return Object.values(e) as unknown as readonly [T[keyof T], ...T[keyof T][]];
}

export const CHANNELS = valuesOf(ChannelKind);
export const IDENTITY_KINDS = valuesOf(IdentityKind);
export const STATUSES = valuesOf(ConversationStatus);
export const PRIORITIES = valuesOf(Priority);
export const EVENT_KINDS = valuesOf(TimelineKind);
export const ACTORS = valuesOf(Actor);
export const ROLES = valuesOf(Role);
export const SURVEY_KINDS = valuesOf(SurveyKind);
export const JOURNEY_STAGES = valuesOf(JourneyStage);
export const ARTICLE_STATUSES = valuesOf(ArticleStatus);
export const DELIVERY_STATUSES = valuesOf(DeliveryStatus);

/** Channels a customer writes in through a social platform (Meta, Telegram, X). */
export const SOCIAL_CHANNELS = ["messenger", "instagram", "whatsapp", "telegram", "x"] as const satisfies readonly ChannelKind[];
export type SocialChannel = (typeof SOCIAL_CHANNELS)[number];

/** Channels a conversation can be held in (api and system carry events, not conversations). */
export const CONVERSATION_CHANNELS = ["email", "chat", ...SOCIAL_CHANNELS] as const satisfies readonly ChannelKind[];
export type ConversationChannel = (typeof CONVERSATION_CHANNELS)[number];

/** Labels as the console shows them. */
export const PRIORITY_LABELS: Record<Priority, string> = { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" };
export const STATUS_LABELS: Record<ConversationStatus, string> = { open: "Open", pending: "Pending", snoozed: "Snoozed", resolved: "Resolved", closed: "Closed" };
