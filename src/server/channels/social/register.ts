// Registers the social channels with the app: the outbox senders for
// Messenger, Instagram, WhatsApp, Telegram and X. Import it from
// src/server/app/service-list.ts at start (the webhooks need nothing: they
// are Next route handlers under src/app/api/webhooks).
import { registerSocialSenders } from "./senders";

registerSocialSenders();
