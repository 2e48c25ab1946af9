// A touchpoint as callers hand it to the write path (channel adapters, the
// events API, the console, automation), its validation, and the per-batch
// preparation that finds the idempotency keys and in-batch duplicates.
import type { ChannelKind, DeliveryStatus, TimelineKind } from "@/generated/prisma/enums";
import type { IdentityClaim } from "@/server/customers/identity";
import { ACTORS, CHANNELS, EVENT_KINDS } from "@/lib/vocabulary";
import { unstorablePath } from "@/server/text/storable";
import { isUuid } from "@/server/db/ids";
import type { TimelineItem } from "@/server/timeline/query";
import { DomainError } from "@/server/lib/domain-error";
import type { Emotion } from "@/server/emotion";
import { touchpointEmotion } from "./emotion";

export type { IdentityClaim };

export type AttachmentInput = { filename: string; contentType: string; size: number; data?: Buffer; remoteUrl?: string; contentId?: string };

export type TouchpointInput = {
  /** Resolve (or create) the customer from these... */
  identities?: IdentityClaim[];
  /** ...or a known customer id (merge chains are followed). */
  customerId?: string;
  /** Used when creating; fills an empty name. */
  customerName?: string | null;
  channel: ChannelKind;
  kind: TimelineKind;
  actor: "customer" | "agent" | "system";
  actorUserId?: string | null;
  occurredAt?: Date;
  name?: string | null;
  text: string;
  payload?: Record<string, unknown>;
  /** Idempotency: the same key twice is stored once. */
  dedupeKey?: string;
  /** Without id: the open-or-recent conversation of (inboxId, externalThreadKey), or a new one. */
  conversation?: { id?: string; inboxId: string; externalThreadKey?: string | null; subject?: string | null; teamId?: string | null };
  message?: {
    direction: "inbound" | "outbound";
    bodyText: string;
    bodyHtml?: string | null;
    quotedText?: string | null;
    subject?: string | null;
    platformMessageId?: string | null;
    inReplyTo?: string | null;
    references?: string[];
    cc?: string[];
    isAutoReply?: boolean;
    isNote?: boolean;
    authorId?: string | null;
    deliveryStatus?: DeliveryStatus;
    meta?: Record<string, unknown>;
    attachments?: AttachmentInput[];
  };
};

export type TouchpointResult = {
  created: boolean;
  eventId: string;
  customerId: string;
  conversationId: string | null;
  messageId: string | null;
  occurredAt: Date;
};

/** Bad input (400) or a referenced row that does not exist (404). Nothing was stored. */
export class TouchpointError extends DomainError {
  constructor(
    public code: "invalid_input" | "not_found",
    message: string,
  ) {
    super(message);
  }
}

/** A created event, enough to publish it after commit (item: built from what was written; else read after commit). */
export type CreatedEvent = { eventId: string; customerId: string; conversationId: string | null; inboxId: string | null; occurredAt: Date; item?: TimelineItem };

/** A validated input with its idempotency keys, as the writers take it. */
export type Prepared = {
  input: TouchpointInput;
  occurredAt: Date;
  dedupeKey: string | null;
  /** inboxId + platformMessageId of a message, for the message-level idempotency check. */
  msgKey: string | null;
  /** An earlier item of the same batch with the same key: this one is its duplicate. */
  dupOf: number | null;
  /** A customer message's or survey answer's emotion (./emotion.ts); null for other touchpoints. */
  emotion: Emotion | null;
};

const CHANNEL_SET = new Set<string>(CHANNELS);
const KIND_SET = new Set<string>(EVENT_KINDS);
const ACTOR_SET = new Set<string>(ACTORS);

/** Throws TouchpointError("invalid_input") naming the first problem (and the item, past the first). */
export function validate(input: TouchpointInput, index: number) {
  const fail = (msg: string) => {
    throw new TouchpointError("invalid_input", index > 0 ? `item ${index}: ${msg}` : msg);
  };
  if (!input || typeof input !== "object") fail("touchpoint must be an object");
  if (!CHANNEL_SET.has(input.channel)) fail(`unknown channel ${String(input.channel)}`);
  if (!KIND_SET.has(input.kind)) fail(`unknown kind ${String(input.kind)}`);
  if (!ACTOR_SET.has(input.actor)) fail(`unknown actor ${String(input.actor)}`);
  if (typeof input.text !== "string") fail("text must be a string");
  if (input.occurredAt && Number.isNaN(input.occurredAt.getTime())) fail("occurredAt is not a valid date");
  // PostgreSQL stores years 1–9999 (timestamptz) and refuses NUL and unpaired surrogates:
  // refused here, as the caller's error, instead of failing the write like a fault.
  if (input.occurredAt && (input.occurredAt.getUTCFullYear() < 1 || input.occurredAt.getUTCFullYear() > 9999)) fail("occurredAt must be between the years 1 and 9999");
  const unstorable = unstorablePath(input);
  if (unstorable) fail(`${unstorable.join(".") || "input"} contains a NUL character or an unpaired UTF-16 surrogate`);
  if (!input.customerId && !input.identities?.length && !input.conversation?.id) fail("a touchpoint needs identities, a customerId or a conversation id");
  if (input.message && !input.conversation) fail("a message needs a conversation");
  if (input.message && input.message.direction !== "inbound" && input.message.direction !== "outbound") fail("message.direction must be inbound or outbound");
  if (input.message && typeof input.message.bodyText !== "string") fail("message.bodyText must be a string");
  for (const a of input.message?.attachments ?? []) {
    if (!a || typeof a.filename !== "string" || !Number.isInteger(a.size) || a.size < 0) fail("attachments need a filename and a size");
  }
  if (input.conversation && !input.conversation.inboxId) fail("conversation.inboxId is required");
  if (input.dedupeKey !== undefined && (typeof input.dedupeKey !== "string" || !input.dedupeKey || input.dedupeKey.length > 500)) fail("dedupeKey must be 1-500 characters");
}

/** Keys and in-batch duplicates: a later item with an earlier one's key is stored once, as that one. */
export function prepare(inputs: TouchpointInput[]): Prepared[] {
  const firstByKey = new Map<string, number>();
  return inputs.map((input, i) => {
    const pmid = input.message?.platformMessageId?.trim() || null;
    const inboxId = input.conversation?.inboxId ?? null;
    const msgKey = pmid && inboxId ? `${inboxId}\u0000${pmid}` : null;
    const dedupeKey = input.dedupeKey ?? (pmid && inboxId ? `msg:${inboxId}:${pmid}` : null);
    let dupOf: number | null = null;
    for (const k of [dedupeKey && `d:${dedupeKey}`, msgKey && `m:${msgKey}`]) {
      if (!k) continue;
      const first = firstByKey.get(k);
      if (first !== undefined && dupOf === null) dupOf = first;
      if (first === undefined) firstByKey.set(k, i);
    }
    return { input, occurredAt: input.occurredAt ?? new Date(), dedupeKey, msgKey, dupOf, emotion: dupOf === null ? touchpointEmotion(input) : null };
  });
}

/** Ids that cannot exist are reported as unknown, not sent to the database as malformed uuids. */
export function assertUuids(ids: string[], what: string) {
  for (const id of ids) {
    if (!isUuid(id)) throw new TouchpointError("not_found", `unknown ${what} ${String(id).slice(0, 60)}`);
  }
}

/** Purchases raise the customer's lifetime value: properties.amount (a number), in cents precision. */
export function purchaseAmount(input: Pick<TouchpointInput, "kind" | "name" | "payload">): number {
  if (input.kind !== "product_event" || input.name !== "purchase") return 0;
  const amount = input.payload?.amount;
  return typeof amount === "number" && Number.isFinite(amount) ? Math.round(amount * 100) / 100 : 0;
}

/** The timeline line of an event without text: its attachments, else its name. */
export function fallbackText(input: TouchpointInput): string {
  const files = input.message?.attachments?.map((a) => a.filename).filter(Boolean) ?? [];
  if (files.length > 0) return `Attachment: ${files.join(", ")}`;
  return input.name ?? "";
}
