// Registers the website widget with the app: its socket.io namespace
// ("/widget") and the outbox's "chat" sender. Imported from
// src/server/app/service-list.ts at start.
import { registerSender } from "@/server/outbox/outbox";
import { addNamespace } from "@/server/realtime/namespaces";
import { attachWidgetNamespace } from "./namespace";

addNamespace(attachWidgetNamespace);

// For chat, an agent message is pushed to the visitor's sockets as soon as it
// is committed (timeline.created, see namespace.ts); there is nothing left to
// send, so the outbox marks it sent. A visitor socket that has it then marks
// it delivered, and the visitor reading it marks it read.
registerSender("chat", async ({ message }) => {
  if (message.isNote) return;
  return { platformMessageId: null };
});
