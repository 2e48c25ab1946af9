// The website widget's pieces for the app: its socket.io namespace
// ("/widget") and the outbox's "chat" sender. Wired in by
// src/server/app/service-list.ts before the socket server starts.
import type { ChannelKind } from "@/generated/prisma/enums";
import type { Sender } from "@/server/outbox/outbox";
import { attachWidgetNamespace, pushAgentMessage } from "./namespace";

// For chat, "sending" is pushing: an agent message reaches the visitor's
// sockets as soon as it is committed (timeline.created, see namespace.ts) and
// the outbox's chat sender pushes it once more (idempotent: the widget keys
// messages by id), then the outbox marks it sent. A visitor socket that has it
// marks it delivered; the visitor reading it marks it read. A visitor who is
// away gets it with the history when they come back.
const sendChat: Sender = async ({ message }) => {
  if (message.isNote || message.direction !== "outbound") return;
  await pushAgentMessage(message.id);
  return { platformMessageId: null };
};

export const widgetChannel = {
  /** Attaches the "/widget" namespace to the socket server. */
  namespace: attachWidgetNamespace,
  senders: { chat: sendChat } satisfies Partial<Record<ChannelKind, Sender>>,
};
