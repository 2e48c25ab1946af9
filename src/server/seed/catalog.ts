// The fixed part of the demo helpdesk: agents, teams, inboxes (with the exact
// public ids of docs CONTRACTS.md), SLA policies, macros, automation rules and
// the web pages of the demo company whose visits land on the timeline.
import { envValue } from "@/env";
import type { ConversationChannel, Priority, Role } from "@/lib/vocabulary";

export type RoleName = Role;
export type TeamName = "Support" | "Billing" | "VIP";
export type ConvChannel = ConversationChannel;
export type InboxKey = ConvChannel | "billing";
export type PriorityName = Priority;

export const DEMO_PASSWORD = "throughline";

export type SeedUser = { key: string; email: string; name: string; role: RoleName; teams: TeamName[]; capacity: number };

export const USERS: SeedUser[] = [
  { key: "admin", email: "admin@throughline.test", name: "Maya Lindqvist", role: "admin", teams: [], capacity: 8 },
  { key: "supervisor", email: "supervisor@throughline.test", name: "Daniel Okafor", role: "supervisor", teams: ["Support", "Billing", "VIP"], capacity: 4 },
  // The demo agent is in Support only: tests rely on it not seeing Billing's own inbox.
  { key: "agent", email: "agent@throughline.test", name: "Sam Rivera", role: "agent", teams: ["Support"], capacity: 8 },
  { key: "aiko", email: "aiko.tanaka@throughline.test", name: "Aiko Tanaka", role: "agent", teams: ["Support", "VIP"], capacity: 8 },
  { key: "jonas", email: "jonas.becker@throughline.test", name: "Jonas Becker", role: "agent", teams: ["Support"], capacity: 10 },
  { key: "mateo", email: "mateo.fernandez@throughline.test", name: "Mateo Fernández", role: "agent", teams: ["Billing"], capacity: 8 },
  { key: "fatima", email: "fatima.alsayed@throughline.test", name: "Fatima Al-Sayed", role: "agent", teams: ["Billing", "VIP"], capacity: 6 },
  { key: "nia", email: "nia.adeyemi@throughline.test", name: "Nia Adeyemi", role: "agent", teams: ["Support", "VIP"], capacity: 8 },
];

export const TEAMS: TeamName[] = ["Support", "Billing", "VIP"];

export function businessHours() {
  const day = [["09:00", "17:00"]];
  return { timezone: "Europe/Berlin", days: { mon: day, tue: day, wed: day, thu: day, fri: day } };
}

export function holidays(now: Date): string[] {
  const y = now.getUTCFullYear();
  return [`${y}-12-24`, `${y}-12-25`, `${y}-12-26`, `${y + 1}-01-01`];
}

export type SeedInbox = {
  key: InboxKey;
  name: string;
  channel: ConvChannel;
  publicId: string;
  settings: Record<string, unknown>;
  secretEnv: Record<string, string>;
  teams: TeamName[];
};

/** Telegram's bot id is the numeric prefix of the bot token ("123456:ABC..."). */
export function telegramBotId(token = envValue("TELEGRAM_BOT_TOKEN") ?? "100000001:x"): string {
  const id = token.split(":")[0] ?? "";
  return /^\d+$/.test(id) ? id : "100000001";
}

export function inboxes(): SeedInbox[] {
  const all: TeamName[] = ["Support", "Billing", "VIP"];
  return [
    {
      key: "email",
      name: "Support email",
      channel: "email",
      publicId: "support@throughline.test",
      settings: { fromName: "Acme Cloud Support" },
      secretEnv: { token: "DEMO_INBOX_TOKEN" },
      teams: all,
    },
    {
      // Billing's own inbox: Support (and so the demo agent) cannot see it.
      key: "billing",
      name: "Billing email",
      channel: "email",
      publicId: "billing@throughline.test",
      settings: { fromName: "Acme Cloud Billing" },
      secretEnv: { token: "DEMO_INBOX_TOKEN" },
      teams: ["Billing", "VIP"],
    },
    {
      key: "chat",
      name: "Website widget",
      channel: "chat",
      publicId: "demo-widget",
      settings: { color: "#4f46e5", greeting: "Hi! How can we help?", preChatForm: true, trackPageViews: true },
      secretEnv: { identity: "WIDGET_IDENTITY_SECRET" },
      teams: all,
    },
    {
      key: "messenger",
      name: "Acme Cloud on Messenger",
      channel: "messenger",
      publicId: "100000000000001",
      settings: { pageName: "Acme Cloud" },
      secretEnv: { token: "META_PAGE_TOKEN" },
      teams: ["Support", "VIP"],
    },
    {
      key: "instagram",
      name: "@acmecloud on Instagram",
      channel: "instagram",
      publicId: "17841400000000001",
      settings: { username: "acmecloud" },
      secretEnv: { token: "INSTAGRAM_TOKEN" },
      teams: ["Support", "VIP"],
    },
    {
      key: "whatsapp",
      name: "WhatsApp +1 555 0100",
      channel: "whatsapp",
      publicId: "100000000000002",
      settings: { displayPhoneNumber: "+1 555 0100" },
      secretEnv: { token: "WHATSAPP_TOKEN" },
      teams: ["Support", "VIP"],
    },
    {
      key: "telegram",
      name: "Telegram @AcmeCloudBot",
      channel: "telegram",
      publicId: telegramBotId(),
      settings: { username: "AcmeCloudBot" },
      secretEnv: { token: "TELEGRAM_BOT_TOKEN" },
      teams: ["Support", "VIP"],
    },
    {
      key: "x",
      name: "X @acmecloud",
      channel: "x",
      publicId: "1000000000000000001",
      settings: { screenName: "acmecloud" },
      secretEnv: { token: "X_ACCESS_TOKEN" },
      teams: ["Support", "VIP"],
    },
  ];
}

/** [first response, resolution] targets in minutes (business hours). */
export const SLA: Record<PriorityName, [number, number]> = {
  urgent: [15, 240],
  high: [60, 480],
  normal: [240, 1440],
  low: [240, 1440],
};

export const SLA_POLICIES = [
  { name: "Urgent", priority: "urgent" as const, firstResponseMinutes: 15, resolutionMinutes: 240 },
  { name: "High", priority: "high" as const, firstResponseMinutes: 60, resolutionMinutes: 480 },
  { name: "Normal", priority: "normal" as const, firstResponseMinutes: 240, resolutionMinutes: 1440 },
];

// Greetings use first names ("Hi Cooper,", not "Hi Cooper Stewart,"); placeholders: MACRO_PLACEHOLDERS.
export const MACROS = [
  {
    name: "Greeting",
    body: "Hi {{customer.first_name}},\n\nThanks for reaching out to Acme Cloud! I'm {{agent.first_name}} and I'll be looking after this for you.",
  },
  {
    name: "Refund issued",
    body: "Hi {{customer.first_name}},\n\nI've refunded the duplicate charge. Depending on your bank it can take 5–10 business days to appear on your statement.\n\nBest,\n{{agent.name}}",
  },
  {
    name: "2FA reset — identity check",
    body: "Hi {{customer.first_name}},\n\nI can reset two-factor authentication for you. To make sure it's really you, please reply with the name of your workspace and the last four digits of the card on file.\n\n{{agent.name}}",
  },
  {
    name: "Bug acknowledged",
    body: "Thanks {{customer.first_name}} — I could reproduce this and have filed it with our engineers (ticket #{{conversation.number}}). I'll update you here as soon as a fix ships.\n\n{{agent.name}}",
  },
  {
    name: "Feature request logged",
    body: "Thanks for the suggestion, {{customer.first_name}}! I've added your vote and use case to the request our product team is tracking. I'll let you know when there's news.\n\n{{agent.name}}",
  },
  {
    name: "Closing — anything else?",
    body: "Glad we could sort this out, {{customer.first_name}}! I'll close this conversation now — just reply if anything else comes up.\n\n{{agent.name}}, Acme Cloud Support",
  },
];

export const AUTOMATION_RULES = [
  {
    name: "Big purchase → VIP",
    trigger: { kind: "product_event", name: "purchase" },
    conditions: [{ field: "payload.amount", op: "gt", value: 500 }],
    actions: [
      { type: "add_tags", tags: ["vip"] },
      { type: "notify", role: "supervisor" },
    ],
    position: 0,
  },
  {
    name: "No reply to an urgent conversation within an hour",
    trigger: { timer: "no_reply", minutes: 60 },
    conditions: [{ field: "priority", op: "in", value: ["high", "urgent"] }],
    actions: [{ type: "notify", role: "supervisor" }],
    position: 1,
  },
];

export type Page = { url: string; title: string };

export const LANDING_PAGES: Page[] = [
  { url: "/", title: "Acme Cloud — Deploy apps and Postgres without the ops" },
  { url: "/blog/zero-downtime-deploys", title: "How we ship zero-downtime deploys" },
  { url: "/blog/postgres-connection-pooling", title: "A practical guide to Postgres connection pooling" },
  { url: "/blog/heroku-migration-guide", title: "Moving from Heroku to Acme Cloud in an afternoon" },
  { url: "/customers/copperleaf-foods", title: "How Copperleaf Foods cut hosting costs by 40%" },
  { url: "/features", title: "Features — Acme Cloud" },
];

export const PRICING_PAGE: Page = { url: "/pricing", title: "Pricing — Acme Cloud" };

export const MARKETING_PAGES: Page[] = [
  ...LANDING_PAGES,
  PRICING_PAGE,
  PRICING_PAGE,
  { url: "/security", title: "Security and compliance — Acme Cloud" },
  { url: "/changelog", title: "Changelog — Acme Cloud" },
  { url: "/contact-sales", title: "Talk to sales — Acme Cloud" },
  { url: "/docs/getting-started", title: "Getting started — Acme Cloud Docs" },
  { url: "/blog/pricing-update", title: "Simpler pricing for growing teams" },
];

export const APP_PAGES: Page[] = [
  { url: "/app/dashboard", title: "Dashboard — Acme Cloud" },
  { url: "/app/dashboard", title: "Dashboard — Acme Cloud" },
  { url: "/app/apps", title: "Apps — Acme Cloud" },
  { url: "/app/databases", title: "Databases — Acme Cloud" },
  { url: "/app/activity", title: "Activity — Acme Cloud" },
  { url: "/app/settings/billing", title: "Billing settings — Acme Cloud" },
  { url: "/app/settings/team", title: "Team settings — Acme Cloud" },
  { url: "/app/settings/integrations", title: "Integrations — Acme Cloud" },
  { url: "/docs/api/authentication", title: "API authentication — Acme Cloud Docs" },
  { url: "/docs/webhooks", title: "Webhooks — Acme Cloud Docs" },
  { url: "/docs/integrations/github", title: "GitHub integration — Acme Cloud Docs" },
  { url: "/docs/sso/saml", title: "SAML single sign-on — Acme Cloud Docs" },
  { url: "/docs/databases/backups", title: "Database backups — Acme Cloud Docs" },
  { url: "/pricing", title: "Pricing — Acme Cloud" },
];

export const PLANS = { Starter: 29, Pro: 99, Business: 499 } as const;
export type PlanName = keyof typeof PLANS;
export const NEXT_PLAN: Record<PlanName, PlanName | null> = { Starter: "Pro", Pro: "Business", Business: null };
