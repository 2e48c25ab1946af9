// The outbox's channel-agnostic contract: the errors a sender throws, what it
// is given, and the per-channel registry (channels register their senders at
// start, src/server/channels/*/register.ts).
import type { ChannelKind } from "@/generated/prisma/enums";
import type { Prisma } from "@/server/db";

/** Sending will never work (rejected recipient, invalid content...). */
export class PermanentSendError extends Error {}

/** Sending may work later (network, rate limit, 4xx). */
export class RetryableSendError extends Error {
  constructor(
    message: string,
    public retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * The channel cannot send at all right now (e.g. no SMTP relay configured).
 * Not counted as an attempt; the item stays pending with the reason as lastError.
 */
export class DeferredSendError extends Error {
  constructor(
    message: string,
    public retryAfterMs = 60_000,
  ) {
    super(message);
  }
}

export type OutboundMessage = Prisma.MessageGetPayload<{
  include: { conversation: true; inbox: true; attachments: true };
}>;

export type SendContext = {
  item: { id: string; messageId: string; channel: ChannelKind; attempts: number };
  message: OutboundMessage;
};

export type SendResult = { platformMessageId?: string | null } | void;
export type Sender = (ctx: SendContext) => Promise<SendResult>;

type Registry = { senders: Map<string, Sender> };
const g = globalThis as unknown as { __throughlineOutboxSenders?: Registry };
// Shared by server.ts and Next's bundled route code (two module graphs, one process).
const registry: Registry = (g.__throughlineOutboxSenders ??= { senders: new Map() });

/** Registers the sender of a channel in this process; returns an unregister function. */
export function registerSender(channel: ChannelKind, sender: Sender): () => void {
  registry.senders.set(channel, sender);
  return () => {
    if (registry.senders.get(channel) === sender) registry.senders.delete(channel);
  };
}

export function registeredChannels(): string[] {
  return [...registry.senders.keys()];
}

export function senderOf(channel: string): Sender | undefined {
  return registry.senders.get(channel);
}
