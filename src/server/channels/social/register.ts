// The social channels' pieces for the app: the outbox senders for Messenger,
// Instagram, WhatsApp, Telegram and X, registered by
// src/server/app/service-list.ts at start (the webhooks need nothing: they
// are routes of the lean HTTP layer, src/server/http/routes/webhooks.ts).
export { SOCIAL_SENDERS as socialSenders } from "./senders";
