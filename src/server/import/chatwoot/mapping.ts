// Chatwoot's words in Throughline's: conversation status, priority and the inbox's channel type.
import type { ChannelKind, ConversationStatus, Priority } from "@/generated/prisma/enums";

// "pending" in Chatwoot is a conversation a bot still holds, not yet an agent's: open here.
const STATUS: Record<string, ConversationStatus> = { open: "open", pending: "open", resolved: "resolved", snoozed: "snoozed" };
const PRIORITY: Record<string, Priority> = { low: "low", medium: "normal", high: "high", urgent: "urgent" };
const CHANNEL: Record<string, ChannelKind> = {
  "Channel::WebWidget": "chat",
  "Channel::Email": "email",
  "Channel::Whatsapp": "whatsapp",
  "Channel::FacebookPage": "messenger",
  "Channel::Instagram": "instagram",
  "Channel::TwitterProfile": "x",
  "Channel::Telegram": "telegram",
  "Channel::Api": "api",
};

export function chatwootStatus(raw: string | null | undefined): ConversationStatus | null {
  return STATUS[(raw ?? "open").trim().toLowerCase()] ?? null;
}

export function chatwootPriority(raw: string | null | undefined): Priority | null {
  if (!raw) return "normal";
  return PRIORITY[raw.trim().toLowerCase()] ?? null;
}

/** SMS, Line and other channels Throughline has no adapter for read as chat. */
export function chatwootChannel(raw: string | null | undefined): ChannelKind {
  return CHANNEL[raw?.trim() ?? ""] ?? "chat";
}
