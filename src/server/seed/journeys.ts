// Generates the demo customers and their journeys in memory: identities, page
// views → sign-up → purchases and renewals → support conversations on their
// channels (messages, notes, ticket events, CSAT) → NPS/CES → journey stages.
// Everything is decided by a seeded PRNG relative to `now`, so two seeds give
// the same data except for the uuids. demo.ts writes the result in bulk.
import { randomUUID } from "node:crypto";
import { normalizeIdentity, type IdentityKindName } from "@/server/customers/normalize";
import { Rng } from "./prng";
import { COMPANIES, CULTURES, SIGNUP_SOURCES, asciiSlug, type Culture } from "./people";
import { ARTICLES } from "./articles";
import {
  AGENT_CLOSES,
  CES_COMMENTS,
  CSAT_COMMENTS,
  EXTRA_ANSWERS,
  EXTRA_QUESTIONS,
  NPS_COMMENTS,
  TOPICS,
  type Topic,
} from "./topics";
import {
  APP_PAGES,
  LANDING_PAGES,
  MARKETING_PAGES,
  NEXT_PLAN,
  PLANS,
  PRICING_PAGE,
  SLA,
  type ConvChannel,
  type InboxKey,
  type Page,
  type PlanName,
  type PriorityName,
  type RoleName,
  type SeedInbox,
  type TeamName,
} from "./catalog";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SPAN = 540 * DAY; // ~18 months of history

export const SHOWCASE_CUSTOMER_NAME = "Aaliyah Mensah";

export type Kind = "message" | "note" | "ticket_event" | "product_event" | "survey_response" | "article_view" | "journey_stage";
export type Channel = ConvChannel | "api" | "system";
export type ActorName = "customer" | "agent" | "system";
export type Stage = "awareness" | "consideration" | "purchase" | "onboarding" | "retention" | "advocacy" | "at_risk";
export type StatusName = "open" | "pending" | "snoozed" | "resolved" | "closed";

export type Ev = {
  id: string;
  customerId: string;
  at: number;
  kind: Kind;
  channel: Channel;
  actor: ActorName;
  actorUserId: string | null;
  conversationId: string | null;
  inboxId: string | null;
  messageId: string | null;
  name: string | null;
  text: string;
  payload: Record<string, unknown>;
  /** Filler (page views, product usage) that may be dropped to hit the exact event count. */
  trimmable: boolean;
  removed?: boolean;
};

export type Msg = {
  id: string;
  conversationId: string;
  inboxId: string;
  direction: "inbound" | "outbound";
  isNote: boolean;
  authorId: string | null;
  bodyText: string;
  bodyHtml: string | null;
  quotedText: string | null;
  subject: string | null;
  platformMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  deliveryStatus: "received" | "sent" | "delivered" | "read" | "failed";
  deliveryError: string | null;
  sentAt: number | null;
  deliveredAt: number | null;
  readAt: number | null;
  at: number;
  /** The agent's last message of a resolved email conversation (candidate for a bounce). */
  closing: boolean;
};

export type Conv = {
  id: string;
  customerId: string;
  inboxId: string;
  channel: ConvChannel;
  status: StatusName;
  priority: PriorityName;
  assigneeId: string | null;
  teamId: string;
  tags: string[];
  subject: string | null;
  externalThreadKey: string | null;
  snoozedUntil: number | null;
  firstResponseDueAt: number;
  resolutionDueAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  reopenCount: number;
  waitingSince: number | null;
  lastMessageAt: number;
  lastMessagePreview: string | null;
  createdAt: number;
  updatedAt: number;
};

export type SurveyRow = {
  id: string;
  kind: "csat" | "nps" | "ces";
  customerId: string;
  conversationId: string | null;
  channel: ConvChannel;
  token: string;
  sentAt: number;
  expiresAt: number;
  response: { id: string; score: number; comment: string | null; at: number } | null;
};

export type IdentityRow = { id: string; customerId: string; kind: IdentityKindName; value: string; verified: boolean; at: number };

export type Agent = { id: string; name: string; first: string; role: RoleName; teams: TeamName[]; isDemoAgent: boolean };
export type InboxRef = SeedInbox & { id: string };

type Cust = {
  id: string;
  index: number;
  name: string;
  first: string;
  last: string;
  culture: Culture;
  company: { name: string; domain: string } | null;
  signupSource: string;
  identities: IdentityRow[];
  channels: ConvChannel[];
  email: string | null;
  budget: number;
  t0: number;
  tEnd: number;
  signupAt: number | null;
  buyAt: number | null;
  plan: PlanName | null;
  billing: "monthly" | "annual";
  churnAt: number | null;
  live: boolean;
  showcase: boolean;
  app: string;
  domain: string;
  last4: string;
  stages: { at: number; to: Stage; reason: string }[];
  finalStage: Stage | null;
  finalPlan: PlanName | null;
};

export type CustomerOut = {
  id: string;
  name: string;
  attributes: Record<string, unknown>;
  journeyStage: Stage | null;
  lifetimeValue: number;
  lastSeenAt: number | null;
  createdAt: number;
};

export type Generated = {
  customers: CustomerOut[];
  identities: IdentityRow[];
  conversations: Conv[];
  messages: Msg[];
  surveys: SurveyRow[];
  events: Ev[];
  articleViews: Map<string, number>;
  showcaseCustomerId: string | null;
};

type Step = "open" | "reply" | "follow" | "fix" | "thanks" | "close" | "extraQ" | "extraA";
const CUSTOMER_STEPS = new Set<Step>(["open", "follow", "thanks", "extraQ"]);

const SEQUENCES: Record<number, Step[]> = {
  2: ["open", "fix"],
  3: ["open", "fix", "thanks"],
  4: ["open", "reply", "follow", "fix"],
  5: ["open", "reply", "follow", "fix", "thanks"],
  6: ["open", "reply", "follow", "fix", "thanks", "close"],
  7: ["open", "reply", "follow", "fix", "extraQ", "extraA", "thanks"],
  8: ["open", "reply", "follow", "fix", "extraQ", "extraA", "thanks", "close"],
};
const LIVE_SEQUENCES: Record<number, Step[]> = {
  1: ["open"],
  2: ["open", "reply"],
  3: ["open", "reply", "follow"],
  4: ["open", "reply", "follow", "fix"],
};

const REOPEN_CUSTOMER = [
  "Hi again — the problem is back since this morning.",
  "Sorry to bother you again, but it's happening again.",
  "It worked for a few days but now I see the same issue.",
];
const REOPEN_AGENT = [
  "Sorry about that! I dug deeper this time and fixed the root cause — it shouldn't come back.",
  "Thanks for letting us know. Our engineers found a second cause and deployed a fix an hour ago.",
];
const HANDOFF_NOTES = [
  "@{to} could you take over? This needs someone with more context on the account.",
  "Handing over to {to} — I'm off shift in 10 minutes. Customer is waiting on the fix.",
  "{to}, you handled this customer last time — can you pick it up?",
];

const CHANNEL_WEIGHT: Record<ConvChannel, number> = { email: 5, chat: 5, whatsapp: 3, messenger: 2, instagram: 2, telegram: 2, x: 1 };
const IDENTITY_CHANNEL: Partial<Record<IdentityKindName, ConvChannel>> = {
  email: "email",
  widget_visitor: "chat",
  messenger_psid: "messenger",
  instagram_id: "instagram",
  whatsapp_wa_id: "whatsapp",
  telegram_user_id: "telegram",
  x_user_id: "x",
};

function esc(s: string) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${esc(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

function money(n: number) {
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function fmtMailDate(t: number) {
  const d = new Date(t);
  return d.toUTCString().replace(/:\d\d GMT$/, " UTC");
}

function preview(text: string) {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > 140 ? `${one.slice(0, 139)}…` : one;
}

export class JourneyGenerator {
  private rng: Rng;
  private now: number;
  private agents: Agent[];
  private inboxes: Map<InboxKey, InboxRef>;
  private teamIds: Map<TeamName, string>;
  private articleIds: Map<string, string>;

  private custs: Cust[] = [];
  private usedIdentities = new Set<string>();
  private usedNames = new Set<string>([SHOWCASE_CUSTOMER_NAME, "Priya Sharma", "José García", "Wei Chen", "Lukas Müller"]);
  private serial = 1000;
  private supportLiveCount = 0;

  readonly identities: IdentityRow[] = [];
  readonly conversations: Conv[] = [];
  readonly messages: Msg[] = [];
  readonly surveys: SurveyRow[] = [];
  readonly events: Ev[] = [];
  private eventsByCustomer = new Map<string, number>();

  constructor(opts: {
    seed: number;
    now: Date;
    agents: Agent[];
    inboxes: InboxRef[];
    teamIds: Map<TeamName, string>;
    articleIds: Map<string, string>;
  }) {
    this.rng = new Rng(opts.seed);
    this.now = opts.now.getTime();
    this.agents = opts.agents;
    this.inboxes = new Map(opts.inboxes.map((i) => [i.key, i]));
    this.teamIds = opts.teamIds;
    this.articleIds = opts.articleIds;
  }

  generate(customerCount: number, eventTarget: number): Generated {
    const n = Math.max(1, customerCount);
    this.profiles(n, eventTarget);
    for (const c of this.custs) this.journey(c);
    for (const c of this.custs) this.emitStages(c);
    this.fitToTarget(eventTarget);
    this.markBounces();
    return this.finish();
  }

  // ------------------------------------------------------------ profiles

  private profiles(n: number, eventTarget: number) {
    const r = this.rng;
    const showcaseBudget = n === 1 ? eventTarget : Math.min(Math.round(eventTarget * 0.5), Math.max(200, Math.round(eventTarget * 0.03)));
    const weights: number[] = [];
    for (let i = 0; i < n; i++) weights.push(i === 0 ? 0 : 1 / (0.12 + r.float()));
    const wsum = weights.reduce((s, w) => s + w, 0) || 1;
    const rest = Math.max(0, eventTarget - showcaseBudget);

    const duplicates = n >= 12 ? this.duplicatePlans() : [];
    for (let i = 0; i < n; i++) {
      const budget = i === 0 ? showcaseBudget : Math.max(4, Math.round((rest * weights[i]!) / wsum));
      const dup = duplicates[i - 1];
      const c = i === 0 ? this.showcaseProfile(budget) : dup ? this.profileFrom(i, budget, dup) : this.randomProfile(i, budget);
      this.custs.push(c);
    }
    // ~40 customers (or a fifth of them) have a conversation going on right now.
    const liveTarget = Math.min(40, Math.max(1, Math.ceil(n * 0.2)));
    const eligible = r.shuffle(this.custs.filter((c) => !c.showcase && c.churnAt === null));
    for (const c of eligible.slice(0, liveTarget - 1)) c.live = true;
    for (const c of this.custs) if (c.live) c.tEnd = this.now - r.int(1, 20) * MIN;
  }

  private cultureFor(code: string) {
    return CULTURES.find((c) => c.code === code)!;
  }

  /** Pairs of customers that are probably the same person (for duplicate suggestions). */
  private duplicatePlans(): DupPlan[] {
    const r = this.rng;
    const priyaPhone = `+9198${r.digits(8)}`;
    const josePhone = `+346${r.digits(8)}`;
    return [
      { code: "IN", first: "Priya", last: "Sharma", kinds: { email: "priya.sharma@gmail.com", widget_visitor: true } },
      { code: "IN", first: "Priya", last: "Sharma", kinds: { phone: priyaPhone, whatsapp_wa_id: priyaPhone.slice(1) } },
      { code: "ES", first: "José", last: "García", kinds: { email: "jose.garcia@hotmail.es", phone: josePhone } },
      { code: "ES", first: "José", last: "García", kinds: { whatsapp_wa_id: josePhone.slice(1), instagram_id: true } },
      { code: "CN", first: "Wei", last: "Chen", company: 1, kinds: { email: "wei.chen@kestrel-analytics.com", widget_visitor: true } },
      { code: "CN", first: "Wei", last: "Chen", kinds: { telegram_user_id: true } },
      { code: "DE", first: "Lukas", last: "Müller", kinds: { email: "lukas.mueller@web.de" } },
      { code: "DE", first: "Lukas", last: "Müller", company: 12, kinds: { email: "lukas.mueller@orbitalfreight.de", widget_visitor: true } },
    ];
  }

  private baseProfile(index: number, budget: number, culture: Culture, first: string, last: string, company: Cust["company"]): Cust {
    const r = this.rng;
    const recent = r.chance(0.1);
    const t0 = recent ? this.now - r.int(5, 30) * DAY : this.now - SPAN + r.int(0, SPAN - 30 * DAY);
    const activeUntil = this.now - r.int(10 * MIN, 2 * DAY);
    const tCons = t0 + r.int(10 * MIN, 3 * DAY);
    let signupAt = r.chance(0.88) ? tCons + r.int(30 * MIN, 14 * DAY) : null;
    if (signupAt !== null && signupAt > activeUntil - HOUR) signupAt = null;
    let buyAt: number | null = null;
    let plan: PlanName | null = null;
    if (signupAt !== null && r.chance(0.78)) {
      buyAt = signupAt + r.int(1 * HOUR, 14 * DAY);
      plan = r.weighted([["Starter", 48], ["Pro", 37], ["Business", 15]] as const);
      if (buyAt > Math.min(activeUntil, this.now - 2 * DAY)) {
        buyAt = null;
        plan = null;
      }
    }
    let churnAt: number | null = null;
    if (buyAt !== null && r.chance(0.12)) {
      const t = buyAt + r.int(45, 420) * DAY;
      if (t < this.now - 5 * DAY) churnAt = t;
    }
    const tEnd = churnAt !== null ? Math.min(churnAt + r.int(0, 7 * DAY), activeUntil) : activeUntil;
    const base = company ? asciiSlug(company.name.split(" ")[0]!) : asciiSlug(first);
    return {
      id: randomUUID(),
      index,
      name: `${first} ${last}`,
      first,
      last,
      culture,
      company,
      signupSource: r.pick(SIGNUP_SOURCES),
      identities: [],
      channels: [],
      email: null,
      budget,
      t0,
      tEnd,
      signupAt,
      buyAt,
      plan,
      billing: r.chance(0.2) ? "annual" : "monthly",
      churnAt,
      live: false,
      showcase: false,
      app: `${base}-${r.pick(["web", "api", "shop", "app", "site"])}`,
      domain: company ? `app.${company.domain}` : `${asciiSlug(first)}${asciiSlug(last)}.dev`,
      last4: String(r.int(1000, 9999)),
      stages: [],
      finalStage: null,
      finalPlan: plan,
    };
  }

  private randomProfile(index: number, budget: number): Cust {
    const r = this.rng;
    // Accidental namesakes would blur the deliberate duplicates: re-draw them.
    let culture = r.weighted(CULTURES.map((c) => [c, c.weight] as const));
    let first = r.pick(culture.first);
    let last = r.pick(culture.last);
    for (let i = 0; i < 20 && this.usedNames.has(`${first} ${last}`); i++) {
      culture = r.weighted(CULTURES.map((c) => [c, c.weight] as const));
      first = r.pick(culture.first);
      last = r.pick(culture.last);
    }
    this.usedNames.add(`${first} ${last}`);
    const company = r.chance(0.55) ? r.pick(COMPANIES) : null;
    const c = this.baseProfile(index, budget, culture, first, last, company);
    this.randomIdentities(c);
    return c;
  }

  private profileFrom(index: number, budget: number, d: DupPlan): Cust {
    const culture = this.cultureFor(d.code);
    const company = d.company !== undefined ? COMPANIES[d.company]! : null;
    const c = this.baseProfile(index, budget, culture, d.first, d.last, company);
    for (const [kind, v] of Object.entries(d.kinds) as [IdentityKindName, string | true][]) {
      this.addIdentity(c, kind, v === true ? this.randomValue(kind, c) : v, c.t0);
    }
    if (c.signupAt !== null && c.email) this.addIdentity(c, "external_id", `usr_${10000 + index}`, c.signupAt);
    return c;
  }

  private showcaseProfile(budget: number): Cust {
    const r = this.rng;
    const culture = this.cultureFor("GH");
    const c = this.baseProfile(0, budget, culture, "Aaliyah", "Mensah", COMPANIES[0]!);
    c.showcase = true;
    c.t0 = this.now - 510 * DAY;
    c.signupAt = c.t0 + 4 * DAY + 3 * HOUR;
    c.buyAt = c.signupAt + 9 * DAY;
    c.plan = "Business";
    c.finalPlan = "Business";
    c.billing = "monthly";
    c.churnAt = null;
    c.live = true;
    c.tEnd = this.now - 4 * MIN;
    c.signupSource = "conference";
    c.app = "brightlane-web";
    c.domain = "app.brightlane.io";
    const phone = normalizeIdentity("phone", `+23324${r.digits(7)}`);
    this.addIdentity(c, "email", "aaliyah@brightlane.io", c.t0);
    this.addIdentity(c, "widget_visitor", `v_${r.alnum(16)}`, c.t0);
    this.addIdentity(c, "external_id", "usr_10000", c.signupAt);
    this.addIdentity(c, "phone", phone, c.signupAt);
    this.addIdentity(c, "whatsapp_wa_id", phone.slice(1), c.buyAt + 20 * DAY);
    this.addIdentity(c, "instagram_id", r.digits(17), c.buyAt + 60 * DAY);
    return c;
  }

  private randomValue(kind: IdentityKindName, c: Cust): string {
    const r = this.rng;
    switch (kind) {
      case "email":
        return this.emailFor(c);
      case "phone":
        return c.culture.phone(r);
      case "widget_visitor":
        return `v_${r.alnum(16)}`;
      case "messenger_psid":
        return r.digits(16);
      case "instagram_id":
        return r.digits(17);
      case "telegram_user_id":
        return r.digits(9);
      case "x_user_id":
        return r.digits(19);
      case "external_id":
        return `usr_${10000 + c.index}`;
      case "whatsapp_wa_id":
        return c.culture.phone(r).slice(1);
    }
  }

  private emailFor(c: Cust): string {
    const r = this.rng;
    const f = asciiSlug(c.first);
    const l = asciiSlug(c.last);
    const work = c.company && r.chance(0.6);
    const domain = work ? c.company!.domain : r.pick(c.culture.mail);
    const local = work
      ? r.pick([`${f}`, `${f}.${l}`, `${f[0]}${l}`])
      : r.pick([`${f}.${l}`, `${f}${l}`, `${f}.${l}${r.int(1, 99)}`, `${f}_${l}`, `${f[0]}.${l}`, `${f}${r.int(1970, 2004)}`]);
    return `${local}@${domain}`;
  }

  /** Adds an identity if its normalised value is valid and unused; returns the value. */
  private addIdentity(c: Cust, kind: IdentityKindName, raw: string, at: number): string | null {
    let value: string;
    try {
      value = normalizeIdentity(kind, raw);
    } catch {
      return null;
    }
    for (let attempt = 0; this.usedIdentities.has(`${kind}:${value}`); attempt++) {
      if (kind !== "email" || attempt > 5) return null;
      value = value.replace("@", `${this.rng.int(2, 99)}@`);
    }
    this.usedIdentities.add(`${kind}:${value}`);
    const row: IdentityRow = { id: randomUUID(), customerId: c.id, kind, value, verified: kind === "email" || kind === "external_id", at };
    c.identities.push(row);
    this.identities.push(row);
    if (kind === "email" && !c.email) c.email = value;
    const ch = IDENTITY_CHANNEL[kind];
    if (ch && !c.channels.includes(ch)) c.channels.push(ch);
    return value;
  }

  private randomIdentities(c: Cust) {
    const r = this.rng;
    const k = r.weighted([[1, 15], [2, 40], [3, 30], [4, 15]] as const);
    const socialOnly = r.chance(0.12);
    const count = () => c.identities.length;
    const addWhatsApp = () => {
      const phone = this.addIdentity(c, "phone", c.culture.phone(r), c.t0);
      if (phone) this.addIdentity(c, "whatsapp_wa_id", phone.slice(1), c.t0);
    };
    if (socialOnly) {
      const kind = r.weighted([["whatsapp", 4], ["messenger_psid", 3], ["instagram_id", 3], ["telegram_user_id", 2], ["x_user_id", 1]] as const);
      if (kind === "whatsapp") addWhatsApp();
      else this.addIdentity(c, kind, this.randomValue(kind, c), c.t0);
    } else {
      this.addIdentity(c, "email", this.emailFor(c), c.t0);
    }
    if (c.signupAt !== null && c.email && count() < k && r.chance(0.75)) this.addIdentity(c, "external_id", `usr_${10000 + c.index}`, c.signupAt);
    const pool: [IdentityKindName | "whatsapp", number][] = [
      ["widget_visitor", 45],
      ["whatsapp", 20],
      ["phone", 14],
      ["messenger_psid", 10],
      ["instagram_id", 10],
      ["telegram_user_id", 7],
      ["x_user_id", 6],
    ];
    for (let guard = 0; count() < k && guard < 12; guard++) {
      const kind = r.weighted(pool);
      if (kind === "whatsapp") {
        if (count() <= k - 2 && !c.identities.some((i) => i.kind === "phone")) addWhatsApp();
        continue;
      }
      if (c.identities.some((i) => i.kind === kind)) continue;
      this.addIdentity(c, kind, this.randomValue(kind, c), c.t0 + r.int(0, 30) * DAY);
    }
    if (c.channels.length === 0) this.addIdentity(c, "widget_visitor", this.randomValue("widget_visitor", c), c.t0);
    // Identities cannot be younger than the customer's first visit.
    for (const i of c.identities) i.at = Math.min(i.at, c.tEnd);
  }

  // ------------------------------------------------------------ events

  private count(c: Cust) {
    return this.eventsByCustomer.get(c.id) ?? 0;
  }

  private ev(c: Cust, e: Omit<Ev, "id" | "customerId" | "actorUserId" | "conversationId" | "inboxId" | "messageId" | "name" | "payload" | "trimmable"> & Partial<Ev>): Ev {
    const full: Ev = {
      id: randomUUID(),
      customerId: c.id,
      actorUserId: null,
      conversationId: null,
      inboxId: null,
      messageId: null,
      name: null,
      payload: {},
      trimmable: false,
      ...e,
      at: Math.round(e.at),
    };
    this.events.push(full);
    this.eventsByCustomer.set(c.id, this.count(c) + 1);
    return full;
  }

  private product(c: Cust, at: number, name: string, text: string, payload: Record<string, unknown>, opts: { trimmable?: boolean; actor?: ActorName } = {}) {
    return this.ev(c, { at, kind: "product_event", channel: "api", actor: opts.actor ?? "customer", name, text, payload, trimmable: opts.trimmable ?? false });
  }

  private pageView(c: Cust, at: number, page: Page, trimmable: boolean) {
    const r = this.rng;
    const payload: Record<string, unknown> = { url: page.url, title: page.title };
    if (r.chance(0.3)) payload.referrer = r.pick(["https://www.google.com/", "https://news.ycombinator.com/", "https://www.linkedin.com/", "https://github.com/"]);
    return this.product(c, at, "page_view", `Viewed ${page.title} (${page.url})`, payload, { trimmable });
  }

  private articleView(c: Cust, at: number, slug: string, trimmable: boolean) {
    const a = ARTICLES.find((x) => x.slug === slug)!;
    const articleId = this.articleIds.get(slug)!;
    return this.ev(c, {
      at,
      kind: "article_view",
      channel: "system",
      actor: "customer",
      name: "article_view",
      text: `Read help article “${a.title}”`,
      payload: { articleId, slug: a.slug, title: a.title },
      trimmable,
    });
  }

  private stage(c: Cust, at: number, to: Stage, reason: string) {
    if (at <= this.now - MIN) c.stages.push({ at, to, reason });
  }

  private purchase(c: Cust, at: number, plan: PlanName, amount: number, kind: "new" | "renewal" | "upgrade", from?: PlanName) {
    const invoice = `INV-${new Date(at).getUTCFullYear()}-${String(this.serial++).padStart(6, "0")}`;
    const period = c.billing === "annual" ? "annual" : "monthly";
    const text =
      kind === "new"
        ? `Purchased ${plan} plan (${period}) — ${money(amount)}`
        : kind === "renewal"
          ? `Renewed ${plan} plan (${period}) — ${money(amount)}`
          : `Upgraded from ${from} to ${plan} — ${money(amount)} prorated`;
    this.product(c, at, "purchase", text, { amount, currency: "USD", plan, billing: period, type: kind, invoice }, { actor: kind === "renewal" ? "system" : "customer" });
  }

  private journey(c: Cust) {
    const r = this.rng;
    // Awareness and consideration.
    const landing = c.showcase ? LANDING_PAGES[1]! : r.pick(LANDING_PAGES);
    this.pageView(c, c.t0, landing, false);
    this.stage(c, c.t0 + 1000, "awareness", `First visit: ${landing.url}`);
    const limit = c.signupAt ?? c.tEnd;
    const tCons = Math.min(c.t0 + r.int(10 * MIN, 3 * DAY), limit - 2 * MIN);
    if (tCons > c.t0) {
      this.pageView(c, tCons, PRICING_PAGE, false);
      this.stage(c, tCons + 1000, "consideration", "Viewed the pricing page");
    }

    const slots: ConvSlot[] = [];
    // Sign-up, purchase, renewals.
    if (c.signupAt !== null) {
      const method = r.pick(["email", "GitHub", "Google"]);
      this.product(c, c.signupAt, "sign_up", `Signed up for a 14-day trial (via ${method})`, { plan: "trial", method: method.toLowerCase(), source: c.signupSource });
      this.product(c, c.signupAt + r.int(2, 30) * MIN, "workspace_created", `Created workspace “${c.company?.name ?? `${c.first}'s workspace`}”`, {
        workspace: c.company?.name ?? `${c.first}'s workspace`,
      });
    }
    if (c.buyAt !== null && c.plan !== null) this.billingJourney(c, slots);

    // NPS for established customers.
    if (c.buyAt !== null && c.tEnd - c.buyAt > 75 * DAY && (c.showcase || r.chance(0.4))) {
      const at = c.buyAt + r.int(60 * DAY, Math.min(c.tEnd - c.buyAt - DAY, 300 * DAY));
      const score = c.showcase ? 10 : r.weighted([[10, 22], [9, 23], [8, 20], [7, 15], [6, 7], [5, 5], [4, 3], [3, 2], [2, 1], [1, 1], [0, 1]] as const);
      const bucket = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
      this.survey(c, "nps", at, score, r.chance(0.6) ? r.pick(NPS_COMMENTS[bucket]!) : null, null);
      if (score >= 9) this.stage(c, at + r.int(1, 30) * MIN, "advocacy", `NPS ${score}`);
      if (score <= 4) this.stage(c, at + MIN, "at_risk", `NPS ${score}`);
    }

    // Self-service: an article and a CES answer.
    if (c.signupAt !== null && (c.showcase || r.chance(0.25))) {
      const at = c.signupAt + r.float() * Math.max(HOUR, c.tEnd - c.signupAt - HOUR);
      const a = r.pick(ARTICLES);
      this.articleView(c, at, a.slug, false);
      const score = r.weighted([[7, 30], [6, 30], [5, 20], [4, 10], [3, 6], [2, 4]] as const);
      const bucket = score >= 6 ? "easy" : score >= 4 ? "ok" : "hard";
      if (c.channels.includes("chat") || c.channels.includes("email")) {
        this.survey(c, "ces", at + r.int(1, 10) * MIN, score, r.chance(0.5) ? r.pick(CES_COMMENTS[bucket]!) : null, null);
      }
    }

    // Support conversations.
    const core = this.count(c);
    const convBudget = Math.max(0, c.budget - core) * 0.5;
    const expected = convBudget / 9;
    let nConv = Math.floor(expected) + (r.chance(expected - Math.floor(expected)) ? 1 : 0);
    if (c.showcase) nConv = Math.max(0, nConv - 5);
    const lo = c.t0 + HOUR;
    const hi = Math.min(c.tEnd, this.now - 9 * DAY);
    if (hi > lo) for (let i = 0; i < nConv; i++) slots.push({ at: lo + r.float() * (hi - lo) });
    if (c.showcase) this.showcaseSlots(c, slots);
    slots.sort((a, b) => a.at - b.at);
    for (const s of slots) this.slotConversation(c, s);
    if (c.live) this.liveConversation(c);

    // Filler: browsing and product usage up to the customer's budget.
    this.filler(c, c.budget - this.count(c) - c.stages.length);
  }

  private billingJourney(c: Cust, slots: ConvSlot[]) {
    const r = this.rng;
    let plan = c.plan!;
    const buyAt = c.buyAt!;
    const annual = c.billing === "annual";
    const price = (p: PlanName) => (annual ? PLANS[p] * 10 : PLANS[p]);
    const period = annual ? 365 * DAY : 30 * DAY;
    this.purchase(c, buyAt, plan, price(plan), "new");
    this.stage(c, buyAt + MIN, "purchase", `Bought ${plan}`);
    const onboard = buyAt + r.int(2 * HOUR, 3 * DAY);
    if (onboard < c.tEnd) {
      this.product(c, onboard, "deployment_created", `Deployed ${c.app} to production (first deploy)`, { app: c.app, commit: this.rng.hex(7), first: true });
      this.stage(c, onboard + MIN, "onboarding", "First deploy");
    }
    if (buyAt + 30 * DAY < c.tEnd) this.stage(c, buyAt + 30 * DAY, "retention", "30 days active");

    const activeUntil = c.churnAt ?? this.now;
    const upgradeAt = NEXT_PLAN[plan] && r.chance(c.showcase ? 0 : 0.15) ? buyAt + r.int(40, 300) * DAY : null;
    let upgraded = false;
    let failed = false;
    let k = 0;
    for (let t = buyAt + period; t < activeUntil - HOUR; t += period, k++) {
      if (upgradeAt !== null && !upgraded && upgradeAt < t && upgradeAt < activeUntil) {
        const next = NEXT_PLAN[plan]!;
        const frac = Math.min(1, (t - upgradeAt) / period);
        this.purchase(c, upgradeAt, next, Math.round((price(next) - price(plan)) * frac * 100) / 100, "upgrade", plan);
        plan = next;
        upgraded = true;
      }
      if (!failed && k >= 1 && r.chance(c.showcase ? 0 : 0.06)) {
        failed = true;
        this.product(c, t, "payment_failed", `Payment of ${money(price(plan))} failed: card ending ${c.last4} declined (authentication required)`, {
          amount: price(plan),
          currency: "USD",
          plan,
          reason: "authentication_required",
        }, { actor: "system" });
        this.stage(c, t + MIN, "at_risk", "Payment failed");
        slots.push({ at: t + r.int(1, 20) * HOUR, topic: "card-declined" });
        const paid = t + r.int(1, 3) * DAY;
        if (paid < activeUntil) {
          this.purchase(c, paid, plan, price(plan), "renewal");
          this.stage(c, paid + MIN, "retention", "Payment recovered");
        }
        continue;
      }
      this.purchase(c, t, plan, price(plan), "renewal");
    }
    c.finalPlan = plan;
    if (c.churnAt !== null) {
      if (r.chance(0.5)) slots.push({ at: c.churnAt - r.int(1, 6) * DAY, topic: "cancel" });
      this.stage(c, c.churnAt - MIN, "at_risk", "Cancellation requested");
      this.product(c, c.churnAt, "subscription_cancelled", `Cancelled ${plan} subscription — reason: ${r.pick(["too expensive", "moving in-house", "missing features", "project ended"])}`, { plan }, {});
    }
  }

  private showcaseSlots(c: Cust, slots: ConvSlot[]) {
    const signup = c.signupAt!;
    const buy = c.buyAt!;
    slots.push({ at: signup - 2 * DAY, topic: "presales-sso", channel: "chat" });
    slots.push({ at: buy + 35 * DAY, topic: "vat-invoice", channel: "email" });
    slots.push({ at: buy + 120 * DAY, topic: "lost-2fa", channel: "whatsapp" });
    slots.push({ at: buy + 220 * DAY, topic: "webhook-signature", channel: "email" });
    slots.push({ at: buy + 330 * DAY, topic: "feature-dark-mode", channel: "instagram" });
    slots.push({ at: Math.min(buy + 420 * DAY, this.now - 12 * DAY), topic: "dashboard-bug", channel: "chat" });
  }

  private topicsAt(c: Cust, at: number): Topic[] {
    if (c.signupAt === null || at < c.signupAt) return TOPICS.filter((t) => t.presales);
    const paid = c.buyAt !== null && at >= c.buyAt && (c.churnAt === null || at < c.churnAt);
    return TOPICS.filter(
      (t) => !t.presales && t.key !== "cancel" && (!t.paid || paid) && !(t.key === "upgrade-proration" && (c.plan === "Business" || !paid)),
    );
  }

  private pickChannel(c: Cust, presales: boolean): ConvChannel {
    const r = this.rng;
    const options = c.channels.map((ch) => [ch, CHANNEL_WEIGHT[ch] * (presales && (ch === "chat" || ch === "email") ? 3 : 1)] as const);
    return r.weighted(options);
  }

  private slotConversation(c: Cust, s: ConvSlot) {
    const r = this.rng;
    if (s.at >= this.now - 2 * DAY) return;
    const topics = this.topicsAt(c, s.at);
    const topic = s.topic ? TOPICS.find((t) => t.key === s.topic)! : r.weighted(topics.map((t) => [t, t.key === "gdpr-export" ? 0.3 : 1] as const));
    const channel = s.channel && c.channels.includes(s.channel) ? s.channel : this.pickChannel(c, !!topic.presales);
    if (topic.article && r.chance(0.35)) this.articleView(c, s.at - r.int(2, 40) * MIN, topic.article, false);
    this.conversation(c, s.at, topic, channel, { live: false });
  }

  private liveConversation(c: Cust) {
    const r = this.rng;
    const start = this.now - (c.showcase ? 95 * MIN : r.int(12 * MIN, 70 * HOUR));
    const topics = this.topicsAt(c, start).filter((t) => t.key !== "gdpr-export");
    const topic = c.showcase ? TOPICS.find((t) => t.key === "github-deploys")! : r.pick(topics);
    const channel = c.showcase ? "whatsapp" : this.pickChannel(c, !!topic.presales);
    const demoAgent = this.agents.find((a) => a.isDemoAgent)!;
    this.conversation(c, start, topic, channel, c.showcase ? { live: true, team: "Support", assignee: demoAgent, length: 3 } : { live: true });
  }

  // ------------------------------------------------------------ conversations

  private inboxFor(channel: ConvChannel, topic: Topic): InboxRef {
    if (channel === "email" && topic.team === "billing" && this.rng.chance(0.5)) return this.inboxes.get("billing")!;
    return this.inboxes.get(channel)!;
  }

  private isVip(c: Cust, at: number) {
    return c.plan === "Business" && c.buyAt !== null && at >= c.buyAt;
  }

  private teamFor(inbox: InboxRef, topic: Topic, c: Cust, at: number): TeamName {
    const r = this.rng;
    const vip = this.isVip(c, at);
    if (inbox.key === "billing") return vip && r.chance(0.3) ? "VIP" : "Billing";
    if (topic.team === "billing" && inbox.teams.includes("Billing")) return vip && r.chance(0.3) ? "VIP" : "Billing";
    if (vip && r.chance(0.6)) return "VIP";
    return "Support";
  }

  private pickAgent(team: TeamName, except?: Agent): Agent {
    const r = this.rng;
    let members = this.agents.filter((a) => a.teams.includes(team) && a !== except);
    if (members.length === 0) members = this.agents.filter((a) => a.teams.includes(team));
    if (members.length === 0) members = this.agents;
    const agents = members.filter((a) => a.role === "agent");
    const sup = members.find((a) => a.role === "supervisor");
    if (sup && r.chance(0.05)) return sup;
    return r.pick(agents.length ? agents : members);
  }

  private vars(c: Cust, agent: Agent | null, at: number): Record<string, string> {
    const r = this.rng;
    const plan = c.plan ?? "Starter";
    const other = NEXT_PLAN[plan] ?? "Business";
    return {
      first: c.first,
      agentFirst: agent?.first ?? "the team",
      plan,
      price: String(PLANS[plan]),
      otherPlan: other,
      otherPrice: String(PLANS[other]),
      invoice: `INV-${new Date(at).getUTCFullYear()}-${String(r.int(1000, 9999)).padStart(6, "0")}`,
      app: c.app,
      domain: c.domain,
      last4: c.last4,
      company: c.company?.name ?? `${c.first}'s workspace`,
    };
  }

  private fill(template: string, vars: Record<string, string>) {
    return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  }

  private conversation(
    c: Cust,
    start: number,
    topic: Topic,
    channel: ConvChannel,
    o: { live: boolean; team?: TeamName; assignee?: Agent | null; length?: number },
  ) {
    const r = this.rng;
    const inbox = o.team === "Support" && channel === "email" ? this.inboxes.get("email")! : this.inboxFor(channel, topic);
    const team = o.team ?? this.teamFor(inbox, topic, c, start);
    const teamId = this.teamIds.get(team)!;
    const priority = r.weighted(topic.priority);
    const maxLength = topic.presales ? 6 : 8;
    const length =
      o.length ??
      (o.live
        ? r.weighted([[1, 30], [2, 25], [3, 30], [4, 15]] as const)
        : r.weighted(([[2, 12], [3, 18], [4, 22], [5, 16], [6, 12], [7, 8], [8, 6]] as const).filter(([l]) => l <= maxLength)));
    const steps = (o.live ? LIVE_SEQUENCES : SEQUENCES)[length]!;

    let agent: Agent | null;
    if (o.assignee !== undefined) agent = o.assignee;
    else if (o.live && (length === 1 ? r.chance(0.55) : r.chance(0.12))) agent = null;
    else if (o.live && team === "Support" && inbox.key !== "billing" && this.supportLiveCount++ % 3 === 0) agent = this.agents.find((a) => a.isDemoAgent)!;
    else agent = this.pickAgent(team);
    // Someone has to answer even in an unassigned conversation's history.
    let speaker: Agent = agent ?? this.pickAgent(team);

    const vars = this.vars(c, speaker, start);
    const subject = channel === "email" ? this.fill(topic.subject, vars) : null;
    const tags = [...topic.tags];
    if (this.isVip(c, start) && !tags.includes("vip")) tags.push("vip");
    const [frMin, resMin] = SLA[priority];
    const conv: Conv = {
      id: randomUUID(),
      customerId: c.id,
      inboxId: inbox.id,
      channel,
      status: "open",
      priority,
      assigneeId: agent?.id ?? null,
      teamId,
      tags: o.live && agent === null ? [] : tags,
      subject,
      externalThreadKey: null,
      snoozedUntil: null,
      firstResponseDueAt: start + frMin * MIN,
      resolutionDueAt: start + resMin * MIN,
      firstResponseAt: null,
      resolvedAt: null,
      reopenCount: 0,
      waitingSince: null,
      lastMessageAt: start,
      lastMessagePreview: null,
      createdAt: start,
      updatedAt: start,
    };
    this.conversations.push(conv);
    const ctx: ConvCtx = { c, conv, inbox, vars, thread: [], lastMsg: null, agentSpoke: false };
    const bound = { conversationId: conv.id, inboxId: inbox.id };
    const ticket = (at: number, name: string, text: string, payload: Record<string, unknown>, by: Agent | null) =>
      this.ev(c, { at, kind: "ticket_event", channel: "system", actor: by ? "agent" : "system", actorUserId: by?.id ?? null, name, text, payload, ...bound });

    const email = channel === "email";
    const customerDelay = () => (email ? r.int(30 * MIN, 30 * HOUR) : r.int(1 * MIN, 25 * MIN));
    const agentDelay = (first: boolean) =>
      email ? r.int(first ? 20 * MIN : 15 * MIN, first ? 9 * HOUR : 5 * HOUR) : r.int(first ? 1 * MIN : 1 * MIN, first ? 25 * MIN : 12 * MIN);
    const pendingFlow = !o.live && steps[1] === "reply" && steps[2] === "follow" && r.chance(0.3);
    const handoff = !o.live && steps.length >= 4 && r.chance(0.08);
    const extra = r.int(0, EXTRA_QUESTIONS.length - 1);
    // Finished conversations end a day before now; live ones run up to now.
    const cutoff = o.live ? this.now - MIN : this.now - DAY;

    let t = start;
    let status: StatusName = "open";
    this.message(ctx, "open", t, this.fill(r.pick(topic.open), vars), null);
    if (agent) ticket(t + r.int(10, 120) * 1000, "assignee", `Assigned to ${agent.name}`, { from: null, to: agent.id, toName: agent.name, auto: true }, null);

    for (let i = 1; i < steps.length; i++) {
      const step = steps[i]!;
      const fromCustomer = CUSTOMER_STEPS.has(step);
      const next = t + (fromCustomer ? customerDelay() : agentDelay(!ctx.agentSpoke));
      if (next >= cutoff) break;
      const prev = t;
      t = next;
      if (!fromCustomer && !ctx.agentSpoke) {
        if (conv.tags.length) ticket(t - 40_000, "tags", `Tags added: ${conv.tags.join(", ")}`, { added: conv.tags }, speaker);
        if (!o.live || agent) {
          if (priority !== "normal") ticket(t - 20_000, "priority", `Priority changed from normal to ${priority}`, { from: "normal", to: priority }, speaker);
        }
        conv.firstResponseAt = t;
      }
      if (step === "follow" && status === "pending") {
        status = "open";
        ticket(t + 1000, "status", "Status changed from pending to open", { from: "pending", to: "open" }, null);
      }
      if (step === "fix" && handoff) {
        const to = this.pickAgent(team, speaker);
        const note = this.fill(r.pick(HANDOFF_NOTES), { to: to.first });
        this.message(ctx, "note", prev + (t - prev) * 0.4, note, speaker);
        ticket(prev + (t - prev) * 0.6, "assignee", `Reassigned from ${speaker.name} to ${to.name}`, { from: speaker.id, to: to.id, fromName: speaker.name, toName: to.name }, speaker);
        speaker = to;
        agent = to;
        conv.assigneeId = to.id;
        ctx.vars = { ...vars, agentFirst: to.first };
      } else if (step === "fix" && topic.notes.length && r.chance(0.3)) {
        this.message(ctx, "note", prev + (t - prev) * 0.5, this.fill(r.pick(topic.notes), ctx.vars), speaker);
      }
      const text = this.stepText(step, topic, ctx.vars, extra);
      this.message(ctx, step, t, text, fromCustomer ? null : speaker);
      if (step === "reply" && pendingFlow) {
        status = "pending";
        ticket(t + 10_000, "status", "Status changed from open to pending", { from: "open", to: "pending" }, speaker);
      }
    }

    if (o.live) {
      const lastInbound = ctx.lastMsg?.direction === "inbound";
      if (lastInbound) {
        status = "open";
        conv.waitingSince = ctx.firstUnanswered ?? ctx.lastMsg!.at;
      } else {
        status = r.chance(0.3) ? "snoozed" : "pending";
        if (status === "snoozed") conv.snoozedUntil = this.now + r.int(2 * HOUR, 3 * DAY);
        ticket(Math.min(t + 15_000, cutoff), "status", `Status changed from open to ${status}`, status === "snoozed" ? { from: "open", to: status, until: new Date(conv.snoozedUntil!).toISOString() } : { from: "open", to: status }, speaker);
      }
      conv.status = status;
    } else {
      // Resolve, maybe reopen once, ask for CSAT, close old ones.
      let resolvedAt = t + r.int(1 * MIN, email ? 90 * MIN : 20 * MIN);
      ticket(resolvedAt, "status", `Status changed from ${status} to resolved`, { from: status, to: "resolved" }, speaker);
      const reopen = steps.length <= 6 && r.chance(0.06) && resolvedAt + 5 * DAY < this.now - 2 * DAY;
      if (reopen) {
        const back = resolvedAt + r.int(1 * DAY, 4 * DAY);
        this.message(ctx, "open", back, r.pick(REOPEN_CUSTOMER), null, true);
        ticket(back + 1000, "status", "Status changed from resolved to open", { from: "resolved", to: "open", reopened: true }, null);
        const fixAt = back + agentDelay(false);
        this.message(ctx, "fix", fixAt, r.pick(REOPEN_AGENT), speaker, true);
        resolvedAt = fixAt + r.int(1, 30) * MIN;
        ticket(resolvedAt, "status", "Status changed from open to resolved", { from: "open", to: "resolved" }, speaker);
        conv.reopenCount = 1;
      }
      conv.resolvedAt = resolvedAt;
      conv.status = "resolved";
      conv.updatedAt = resolvedAt;
      if (r.chance(c.showcase ? 0.8 : 0.45)) {
        const score = c.showcase ? r.weighted([[5, 70], [4, 30]] as const) : this.csatScore(conv, reopen || handoff);
        const comment = r.chance(0.6) ? r.pick(CSAT_COMMENTS[score]!) : null;
        this.survey(c, "csat", resolvedAt + r.int(5, 60) * MIN, score, comment, conv, r.chance(c.showcase ? 1 : 0.75));
      }
      if (resolvedAt < this.now - 12 * DAY && r.chance(0.55)) {
        const closedAt = resolvedAt + r.int(3 * DAY, 5 * DAY);
        ticket(closedAt, "status", "Status changed from resolved to closed", { from: "resolved", to: "closed" }, null);
        conv.status = "closed";
        conv.updatedAt = closedAt;
      }
    }
    if (channel === "email") conv.externalThreadKey = ctx.thread[0] ?? null;
    else conv.externalThreadKey = c.identities.find((i) => IDENTITY_CHANNEL[i.kind] === channel)?.value ?? null;
    conv.updatedAt = Math.max(conv.updatedAt, conv.lastMessageAt);
  }

  private csatScore(conv: Conv, friction: boolean): number {
    const r = this.rng;
    const slow = conv.firstResponseAt !== null && conv.firstResponseAt > conv.firstResponseDueAt;
    if (friction || slow) return r.weighted([[5, 25], [4, 30], [3, 20], [2, 15], [1, 10]] as const);
    return r.weighted([[5, 60], [4, 25], [3, 8], [2, 4], [1, 3]] as const);
  }

  private stepText(step: Step, topic: Topic, vars: Record<string, string>, extra: number): string {
    const r = this.rng;
    switch (step) {
      case "open":
        return this.fill(r.pick(topic.open), vars);
      case "reply":
        return this.fill(r.pick(topic.reply), vars);
      case "follow":
        return this.fill(r.pick(topic.follow), vars);
      case "fix":
        return this.fill(r.pick(topic.fix), vars);
      case "thanks":
        return this.fill(r.pick(topic.thanks), vars);
      case "close":
        return this.fill(r.pick(AGENT_CLOSES), vars);
      case "extraQ":
        return EXTRA_QUESTIONS[extra]!;
      case "extraA":
        return EXTRA_ANSWERS[extra]!;
    }
  }

  private message(ctx: ConvCtx, step: Step | "note", at: number, text: string, author: Agent | null, reopen = false) {
    const r = this.rng;
    const { c, conv, inbox } = ctx;
    const isNote = step === "note";
    const inbound = !isNote && author === null;
    const channel = conv.channel;
    const serial = this.serial++;
    const id = randomUUID();

    // Templates may open with a greeting of their own; email and chat add one.
    const bare = text.replace(/^(Hi|Hello)( [\p{L}-]+)?[!,]\s*/u, "");
    const core = bare.charAt(0).toUpperCase() + bare.slice(1);
    let body = text;
    let html: string | null = null;
    let quoted: string | null = null;
    let subject: string | null = null;
    if (channel === "email" && !isNote) {
      const isFirst = ctx.thread.length === 0;
      subject = isFirst ? conv.subject : `Re: ${conv.subject}`;
      if (inbound) {
        const greet = isFirst || reopen ? r.pick(["Hi,", "Hello Acme team,", "Hi there,", "Hello,", "Good morning,"]) : r.pick(["Hi,", `Hi ${ctx.vars.agentFirst},`, `Thanks ${ctx.vars.agentFirst},`]);
        const sign = r.pick(["Thanks,", "Best regards,", "Cheers,", "Kind regards,", "Thank you,"]);
        body = `${greet}\n\n${core}\n\n${sign}\n${c.name}${c.company ? `\n${c.company.name}` : ""}`;
        if (ctx.lastMsg && ctx.lastMsg.direction === "outbound") {
          const who = this.agents.find((a) => a.id === ctx.lastMsg!.authorId)?.name ?? "Acme Cloud Support";
          quoted = `On ${fmtMailDate(ctx.lastMsg.at)}, ${who} <${inbox.publicId}> wrote:\n${ctx.lastMsg.bodyText
            .split("\n")
            .map((l) => `> ${l}`)
            .join("\n")}`;
        }
      } else {
        const team = inbox.key === "billing" ? "Acme Cloud Billing" : "Acme Cloud Support";
        body = `Hi ${c.first},\n\n${core}\n\nBest,\n${author!.name}\n${team}`;
      }
      html = textToHtml(body);
    } else if (!isNote && author) {
      if (!ctx.agentSpoke && channel === "chat") body = `Hi ${c.first}, ${author.first} from Acme Cloud here. ${core}`;
      else if (channel !== "chat") body = `${text} – ${author.first}`;
    }

    let platformMessageId: string | null = null;
    let inReplyTo: string | null = null;
    let references: string[] = [];
    if (!isNote) {
      switch (channel) {
        case "email":
          platformMessageId = inbound ? `<seed-${serial}@mail.example>` : `<seed-${serial}@throughline.test>`;
          inReplyTo = ctx.thread[ctx.thread.length - 1] ?? null;
          references = [...ctx.thread];
          ctx.thread.push(platformMessageId);
          break;
        case "chat":
          platformMessageId = `w_seed_${serial}`;
          break;
        case "messenger":
        case "instagram":
          platformMessageId = `m_seed_${serial}`;
          break;
        case "whatsapp":
          platformMessageId = `wamid.seed${serial}`;
          break;
        case "telegram":
          platformMessageId = String(serial);
          break;
        case "x":
          platformMessageId = String(1800000000000000000n + BigInt(serial));
          break;
      }
    }

    let status: Msg["deliveryStatus"] = "received";
    let sentAt: number | null = null;
    let deliveredAt: number | null = null;
    let readAt: number | null = null;
    if (isNote) status = "sent";
    else if (!inbound) {
      sentAt = at + 800;
      const weights: readonly (readonly [Msg["deliveryStatus"], number])[] =
        channel === "email" ? [["delivered", 80], ["sent", 20]] : channel === "telegram" ? [["delivered", 80], ["sent", 20]] : [["read", 65], ["delivered", 28], ["sent", 7]];
      status = r.weighted(weights);
      if (status === "delivered" || status === "read") deliveredAt = at + r.int(2, 30) * 1000;
      if (status === "read") readAt = at + r.int(1, 20) * MIN;
      const limit = this.now - 1000;
      if (readAt !== null && readAt > limit) {
        readAt = null;
        status = "delivered";
      }
      if (deliveredAt !== null && deliveredAt > limit) {
        deliveredAt = null;
        status = "sent";
      }
      if (sentAt > limit) sentAt = limit;
    }

    const msg: Msg = {
      id,
      conversationId: conv.id,
      inboxId: inbox.id,
      direction: inbound ? "inbound" : "outbound",
      isNote,
      authorId: author?.id ?? null,
      bodyText: body,
      bodyHtml: html,
      quotedText: quoted,
      subject,
      platformMessageId,
      inReplyTo,
      references,
      deliveryStatus: status,
      deliveryError: null,
      sentAt,
      deliveredAt,
      readAt,
      at,
      closing: step === "close" && channel === "email",
    };
    this.messages.push(msg);
    this.ev(c, {
      at,
      kind: isNote ? "note" : "message",
      channel,
      actor: inbound ? "customer" : "agent",
      actorUserId: author?.id ?? null,
      conversationId: conv.id,
      inboxId: inbox.id,
      messageId: id,
      name: null,
      text: body,
      payload: subject ? { subject } : {},
    });
    if (!isNote) {
      ctx.lastMsg = msg;
      conv.lastMessageAt = at;
      conv.lastMessagePreview = preview(body);
      if (inbound) ctx.firstUnanswered ??= at;
      else {
        ctx.agentSpoke = true;
        ctx.firstUnanswered = undefined;
      }
    }
  }

  private survey(c: Cust, kind: "csat" | "nps" | "ces", at: number, score: number, comment: string | null, conv: Conv | null, answered = true) {
    const r = this.rng;
    const sentAt = kind === "csat" ? at : at - r.int(5, 120) * MIN;
    if (sentAt > this.now - MIN) return;
    const channel: ConvChannel = conv ? conv.channel : kind === "ces" && c.channels.includes("chat") ? "chat" : c.channels.includes("email") ? "email" : c.channels[0]!;
    const respondedAt = kind === "csat" ? at + r.int(10 * MIN, 30 * HOUR) : at;
    const ok = answered && respondedAt < this.now - MIN;
    const row: SurveyRow = {
      id: randomUUID(),
      kind,
      customerId: c.id,
      conversationId: conv?.id ?? null,
      channel,
      token: `seed_${r.hex(32)}`,
      sentAt,
      expiresAt: sentAt + 7 * DAY,
      response: ok ? { id: randomUUID(), score, comment, at: respondedAt } : null,
    };
    this.surveys.push(row);
    if (!ok) return;
    const label = kind.toUpperCase();
    const max = kind === "csat" ? 5 : kind === "nps" ? 10 : 7;
    this.ev(c, {
      at: respondedAt,
      kind: "survey_response",
      channel,
      actor: "customer",
      name: kind,
      text: `Rated ${label} ${score}/${max}${comment ? `: ${comment}` : ""}`,
      payload: { surveyId: row.id, kind, score, max, ...(comment ? { comment } : {}) },
      conversationId: conv?.id ?? null,
      inboxId: conv?.inboxId ?? null,
    });
  }

  // ------------------------------------------------------------ filler

  private filler(c: Cust, n: number) {
    const r = this.rng;
    for (let i = 0; i < n; i++) {
      const at = c.t0 + 1000 + r.float() * Math.max(MIN, c.tEnd - c.t0 - 1000);
      const signedUp = c.signupAt !== null && at > c.signupAt;
      const active = signedUp && (c.churnAt === null || at < c.churnAt);
      if (!active) {
        this.pageView(c, at, r.pick(MARKETING_PAGES), true);
        continue;
      }
      const what = r.weighted([["page", 46], ["login", 14], ["deploy", 18], ["article", 7], ["feature", 15]] as const);
      if (what === "page") this.pageView(c, at, r.pick(APP_PAGES), true);
      else if (what === "login") {
        const method = c.plan === "Business" && r.chance(0.5) ? "SSO" : r.pick(["password", "GitHub", "Google"]);
        this.product(c, at, "login", `Signed in to the console (${method})`, { method: method.toLowerCase() }, { trimmable: true });
      } else if (what === "deploy") {
        const commit = r.hex(7);
        if (r.chance(0.08)) {
          this.product(c, at, "deployment_failed", `Deploy of ${c.app} failed: health check on /healthz returned 502`, { app: c.app, commit, reason: "health_check" }, { trimmable: true });
        } else {
          const secs = r.int(35, 240);
          this.product(c, at, "deployment_created", `Deployed ${c.app} to production (commit ${commit}, ${secs}s)`, { app: c.app, commit, durationSec: secs }, { trimmable: true });
        }
      } else if (what === "article") this.articleView(c, at, r.pick(ARTICLES).slug, true);
      else {
        const makers: (() => [string, string, Record<string, unknown>])[] = [
          () => ["custom_domain_added", `Added custom domain ${c.domain}`, { domain: c.domain }],
          () => {
            const culture = r.pick(CULTURES);
            const who = `${asciiSlug(r.pick(culture.first))}@${c.company?.domain ?? "gmail.com"}`;
            return ["teammate_invited", `Invited ${who} as ${r.pick(["Developer", "Admin", "Viewer"])}`, { email: who }];
          },
          () => {
            const integration = r.pick(["GitHub", "Slack", "GitLab", "Datadog", "Sentry"]);
            return ["integration_connected", `Connected the ${integration} integration`, { integration }];
          },
          () => {
            const region = r.pick(["Frankfurt", "Amsterdam", "Virginia", "Oregon", "Tokyo", "Singapore"]);
            return ["database_created", `Created PostgreSQL database ${c.app}-db in ${region}`, { name: `${c.app}-db`, region }];
          },
          () => ["invoice_downloaded", "Downloaded an invoice (PDF)", {}],
          () => ["api_token_created", "Created a personal API token", {}],
        ];
        const f = r.pick(makers)();
        this.product(c, at, f[0], f[1], f[2], { trimmable: true });
      }
    }
  }

  /** Drops or adds filler so the total is exactly the requested number of events. */
  private fitToTarget(target: number) {
    const r = this.rng;
    const total = this.events.length;
    if (total > target) {
      const trimmable = this.events.filter((e) => e.trimmable);
      r.shuffle(trimmable);
      for (const e of trimmable.slice(0, total - target)) e.removed = true;
      this.events.splice(0, this.events.length, ...this.events.filter((e) => !e.removed));
    } else if (total < target) {
      const cum: number[] = [];
      let s = 0;
      for (const c of this.custs) cum.push((s += c.budget));
      let missing = target - total;
      while (missing > 0) {
        const x = r.float() * s;
        let lo = 0;
        let hi = cum.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid]! > x) hi = mid;
          else lo = mid + 1;
        }
        const batch = Math.min(missing, 5);
        this.filler(this.custs[lo]!, batch);
        missing -= batch;
      }
    }
  }

  /** A couple of outbound emails bounced (the timeline shows the failure). */
  private markBounces() {
    const old = this.messages.filter((m) => m.closing && m.at < this.now - 30 * DAY);
    const pool = old.length ? old : this.messages.filter((m) => m.direction === "outbound" && !m.isNote && m.platformMessageId?.startsWith("<"));
    this.rng.shuffle(pool);
    for (const m of pool.slice(0, 2)) {
      m.deliveryStatus = "failed";
      m.deliveryError = "550 5.1.1 Mailbox unavailable";
      m.deliveredAt = null;
      m.readAt = null;
    }
  }

  // ------------------------------------------------------------ derived fields

  /** Journey stage events: in time order, repeats dropped, "from → to" text. */
  private emitStages(c: Cust) {
    c.stages.sort((a, b) => a.at - b.at);
    let stage: Stage | null = null;
    for (const s of c.stages) {
      if (s.to === stage) continue;
      this.ev(c, {
        at: s.at,
        kind: "journey_stage",
        channel: "system",
        actor: "system",
        name: s.to,
        text: stage ? `Journey stage: ${stage} → ${s.to}` : `Journey stage: ${s.to}`,
        payload: { from: stage, to: s.to, reason: s.reason },
      });
      stage = s.to;
    }
    c.finalStage = stage;
  }

  private finish(): Generated {
    const byCustomer = new Map<string, Ev[]>();
    for (const e of this.events) {
      let list = byCustomer.get(e.customerId);
      if (!list) byCustomer.set(e.customerId, (list = []));
      list.push(e);
    }
    const articleViews = new Map<string, number>();
    const customers: CustomerOut[] = [];
    for (const c of this.custs) {
      const evs = byCustomer.get(c.id) ?? [];
      let ltv = 0;
      let lastSeen: number | null = null;
      for (const e of evs) {
        if (e.kind === "product_event" && e.name === "purchase") ltv += Number(e.payload.amount);
        if (e.actor === "customer" && (lastSeen === null || e.at > lastSeen)) lastSeen = e.at;
        if (e.kind === "article_view") {
          const slug = String(e.payload.slug);
          articleViews.set(slug, (articleViews.get(slug) ?? 0) + 1);
        }
      }
      const stage = c.finalStage;
      const status = c.churnAt !== null ? "cancelled" : c.finalPlan ? "active" : c.signupAt !== null ? "trial" : "lead";
      const attributes: Record<string, unknown> = {
        plan: c.finalPlan ?? (c.signupAt !== null ? "Trial" : "None"),
        ...(c.company ? { company: c.company.name } : {}),
        country: c.culture.country,
        signupSource: c.signupSource,
        status,
      };
      if (c.finalPlan) attributes.billing = c.billing;
      customers.push({
        id: c.id,
        name: c.name,
        attributes,
        journeyStage: stage,
        lifetimeValue: Math.round(ltv * 100) / 100,
        lastSeenAt: lastSeen,
        createdAt: c.t0,
      });
    }
    const showcase = this.custs.find((c) => c.showcase);
    return {
      customers,
      identities: this.identities,
      conversations: this.conversations,
      messages: this.messages,
      surveys: this.surveys,
      events: this.events,
      articleViews,
      showcaseCustomerId: showcase?.id ?? null,
    };
  }
}

type DupPlan = { code: string; first: string; last: string; company?: number; kinds: Partial<Record<IdentityKindName, string | true>> };
type ConvSlot = { at: number; topic?: string; channel?: ConvChannel };
type ConvCtx = {
  c: Cust;
  conv: Conv;
  inbox: InboxRef;
  vars: Record<string, string>;
  thread: string[];
  lastMsg: Msg | null;
  agentSpoke: boolean;
  firstUnanswered?: number;
};
