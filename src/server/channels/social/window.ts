// The platforms' reply windows. Messenger and Instagram accept a normal reply
// within 24 hours of the customer's last message, and a human agent's reply
// (tag HUMAN_AGENT) within 7 days; WhatsApp allows free-form messages only
// within 24 hours of the customer's last message (after that: templates).
// Telegram and X have no such rule. The composer calls checkSendWindow to warn
// before sending; the senders apply the same rule.
import { db } from "@/server/db";

export const HOUR_MS = 3_600_000;
export const STANDARD_WINDOW_MS = 24 * HOUR_MS;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;

export const WHATSAPP_WINDOW_MESSAGE = "WhatsApp only allows template messages more than 24 hours after the customer's last message";

export type SendWindow = {
  conversationId: string;
  channel: string;
  /** Which platform rule applies. */
  rule: "meta_24h" | "whatsapp_24h" | "none";
  lastInboundAt: Date | null;
  /** When the current window (standard, or human agent) closes; null when closed or not applicable. */
  windowEndsAt: Date | null;
  /** open: a normal reply; human_agent: Messenger/Instagram with the HUMAN_AGENT tag; closed: refused. */
  state: "open" | "human_agent" | "closed" | "not_applicable";
  canSend: boolean;
  /** What to tell the agent (null when nothing to say). */
  message: string | null;
};

function platformName(channel: string) {
  return channel === "instagram" ? "Instagram" : "Messenger";
}

/** The rule itself, for a given last customer message and moment. */
export function evaluateWindow(channel: string, lastInboundAt: Date | null, now: Date = new Date()): Omit<SendWindow, "conversationId" | "channel" | "lastInboundAt"> {
  const age = lastInboundAt ? now.getTime() - lastInboundAt.getTime() : Number.POSITIVE_INFINITY;
  if (channel === "messenger" || channel === "instagram") {
    const name = platformName(channel);
    if (age <= STANDARD_WINDOW_MS) {
      return { rule: "meta_24h", state: "open", canSend: true, windowEndsAt: new Date(lastInboundAt!.getTime() + STANDARD_WINDOW_MS), message: null };
    }
    if (age <= HUMAN_AGENT_WINDOW_MS) {
      return {
        rule: "meta_24h",
        state: "human_agent",
        canSend: true,
        windowEndsAt: new Date(lastInboundAt!.getTime() + HUMAN_AGENT_WINDOW_MS),
        message: `Outside ${name}'s 24-hour window: the reply goes out with the human agent tag, allowed for 7 days after the customer's last message.`,
      };
    }
    return {
      rule: "meta_24h",
      state: "closed",
      canSend: false,
      windowEndsAt: null,
      message: lastInboundAt
        ? `Outside ${name}'s 24-hour window: the customer's last message is more than 7 days old, so not even a human agent reply is allowed. The customer has to write first.`
        : `Outside ${name}'s 24-hour window: the customer has not written to this account yet, so ${name} does not allow a reply. The customer has to write first.`,
    };
  }
  if (channel === "whatsapp") {
    if (age <= STANDARD_WINDOW_MS) {
      return { rule: "whatsapp_24h", state: "open", canSend: true, windowEndsAt: new Date(lastInboundAt!.getTime() + STANDARD_WINDOW_MS), message: null };
    }
    return { rule: "whatsapp_24h", state: "closed", canSend: false, windowEndsAt: null, message: WHATSAPP_WINDOW_MESSAGE };
  }
  return { rule: "none", state: "not_applicable", canSend: true, windowEndsAt: null, message: null };
}

/**
 * The customer's last message on this platform thread: the windows are per
 * person and account, so earlier conversations of the same thread count.
 */
export async function lastInboundAt(conversation: { id: string; inboxId: string; externalThreadKey: string | null }): Promise<Date | null> {
  const row = await db.message.findFirst({
    where: {
      inboxId: conversation.inboxId,
      direction: "inbound",
      isNote: false,
      ...(conversation.externalThreadKey
        ? { conversation: { inboxId: conversation.inboxId, externalThreadKey: conversation.externalThreadKey } }
        : { conversationId: conversation.id }),
    },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  return row?.createdAt ?? null;
}

/** May an agent reply on this conversation now, and how? For the composer's warning. */
export async function checkSendWindow(conversationId: string, now: Date = new Date()): Promise<SendWindow> {
  if (!/^[0-9a-f-]{36}$/i.test(conversationId)) throw new Error(`unknown conversation ${conversationId.slice(0, 60)}`);
  const conv = await db.conversation.findUnique({ where: { id: conversationId }, select: { id: true, inboxId: true, channel: true, externalThreadKey: true } });
  if (!conv) throw new Error(`unknown conversation ${conversationId}`);
  const last = conv.channel === "messenger" || conv.channel === "instagram" || conv.channel === "whatsapp" ? await lastInboundAt(conv) : null;
  return { conversationId, channel: conv.channel, lastInboundAt: last, ...evaluateWindow(conv.channel, last, now) };
}
