// Notifications in the background: the conversation watch (assignments and
// customer messages, from the domain-event queue) and the email pass, a
// periodic job (once per period across all processes).
import { defineJobs } from "@/server/lib/background";
import { onConversationWatchEvents } from "./conversation-watch";
import { DIGEST_PASS_MS, sendDueEmails } from "./digest";

export const notificationJobs = defineJobs({
  consumers: { notifications: onConversationWatchEvents },
  periodic: { "notification-digest": { everyMs: DIGEST_PASS_MS, pass: () => sendDueEmails() } },
});
