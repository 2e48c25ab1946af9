// Registers the social channels with the app: the outbox senders for
// Messenger, Instagram, WhatsApp, Telegram and X. Import it from
// src/server/app/service-list.ts at start (the webhooks need nothing: they
// are routes of the lean HTTP layer, src/server/http/routes/webhooks.ts).
import { registerSocialSenders } from "./senders";

registerSocialSenders();
