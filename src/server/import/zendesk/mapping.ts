// Zendesk's words in Throughline's: ticket status, priority and channel.
import type { ChannelKind, ConversationStatus, Priority } from "@/generated/prisma/enums";

// "hold" (waiting on a third party) has no twin here: pending also pauses the SLA clocks.
const STATUS: Record<string, ConversationStatus> = { new: "open", open: "open", pending: "pending", hold: "pending", solved: "resolved", closed: "closed" };
const PRIORITY: Record<string, Priority> = { low: "low", normal: "normal", high: "high", urgent: "urgent" };
// via.channel: web forms and other sources are answered by email in Zendesk.
const CHANNEL: Record<string, ChannelKind> = {
  email: "email",
  web: "email",
  mobile: "email",
  chat: "chat",
  native_messaging: "chat",
  messaging: "chat",
  web_widget: "chat",
  facebook: "messenger",
  twitter: "x",
  whatsapp: "whatsapp",
  instagram_dm: "instagram",
  telegram: "telegram",
  api: "api",
};

export function zendeskStatus(raw: string | null | undefined): ConversationStatus | null {
  return STATUS[(raw ?? "open").trim().toLowerCase()] ?? null;
}

export function zendeskPriority(raw: string | null | undefined): Priority | null {
  if (!raw) return "normal";
  return PRIORITY[raw.trim().toLowerCase()] ?? null;
}

export function zendeskChannel(raw: string | number | null | undefined): ChannelKind {
  return CHANNEL[String(raw ?? "email").trim().toLowerCase()] ?? "email";
}
