// Registers the website widget with the app: its socket.io namespace
// ("/widget") and the outbox's "chat" sender. Imported from
// src/server/app/service-list.ts at start.
import { registerSender } from "@/server/outbox/outbox";
import { addNamespace } from "@/server/realtime/namespaces";
import { attachWidgetNamespace, pushAgentMessage } from "./namespace";

addNamespace(attachWidgetNamespace);

// For chat, "sending" is pushing: an agent message reaches the visitor's
// sockets as soon as it is committed (timeline.created, see namespace.ts) and
// the outbox's chat sender pushes it once more (idempotent: the widget keys
// messages by id), then the outbox marks it sent. A visitor socket that has it
// marks it delivered; the visitor reading it marks it read. A visitor who is
// away gets it with the history when they come back.
registerSender("chat", async ({ message }) => {
  if (message.isNote || message.direction !== "outbound") return;
  await pushAgentMessage(message.id);
  return { platformMessageId: null };
});
