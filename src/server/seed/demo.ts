// Demo data for an empty database: the demo logins and inboxes of
// docs CONTRACTS.md, the demo company "Acme Cloud" (plans Starter $29, Pro $99,
// Business $499 a month) and ~200 customers with 18 months of journeys
// (~20,000 timeline events). Deterministic (seeded PRNG, relative to `now`),
// written in one transaction with multi-row inserts so it takes seconds.
import bcrypt from "bcryptjs";
import { randomUUID } from "node:crypto";
import { touchpointEmotion } from "@/server/ingest/emotion";
import type { Prisma, PrismaClient } from "@/server/db";
import { hashApiKey } from "@/server/api-keys/hash";
import {
  AUTOMATION_RULES,
  DEMO_PASSWORD,
  MACROS,
  SLA_POLICIES,
  TEAMS,
  USERS,
  businessHours,
  holidays,
  inboxes as inboxCatalog,
  type TeamName,
} from "./catalog";
import { ARTICLES } from "./articles";
import { JourneyGenerator, SHOWCASE_CUSTOMER_NAME, type Agent, type Ev, type Generated, type InboxRef, type Msg } from "./journeys";
import { envValue } from "@/env";

export { SHOWCASE_CUSTOMER_NAME } from "./journeys";

export type SeedDemoOptions = { customers?: number; events?: number; now?: Date; log?: (s: string) => void };
export type SeedDemoResult = { customers: number; events: number; showcaseCustomerId: string | null };

type Tx = Prisma.TransactionClient;

const SEED = 20261126;
const SEED_LOCK = 7_411_202_611;
const EVENT_CHUNK = 5000;
const MESSAGE_CHUNK = 2000;

export class SeedNotEmptyError extends Error {}

/** Fills an empty database with the demo helpdesk. Throws SeedNotEmptyError if users or inboxes exist. */
export async function seedDemo(prisma: PrismaClient, opts: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? new Date();
  const customerCount = Math.max(1, Math.floor(opts.customers ?? 200));
  const eventTarget = Math.max(0, Math.floor(opts.events ?? 20_000));
  const started = Date.now();

  const [users, inboxCount] = await Promise.all([prisma.user.count(), prisma.inbox.count()]);
  if (users > 0 || inboxCount > 0) throw new SeedNotEmptyError(`seedDemo needs an empty database (found ${users} users, ${inboxCount} inboxes)`);

  const passwordHash = await bcrypt.hash(DEMO_PASSWORD, 10);

  // Ids decided up front so every row can be linked without round trips.
  const userIds = new Map(USERS.map((u) => [u.key, randomUUID()]));
  const teamIds = new Map<TeamName, string>(TEAMS.map((t) => [t, randomUUID()]));
  const inboxes: InboxRef[] = inboxCatalog().map((i) => ({ ...i, id: randomUUID() }));
  const articleIds = new Map(ARTICLES.map((a) => [a.slug, randomUUID()]));
  const agents: Agent[] = USERS.filter((u) => u.role !== "admin").map((u) => ({
    id: userIds.get(u.key)!,
    name: u.name,
    first: u.name.split(" ")[0]!,
    role: u.role,
    teams: u.teams,
    isDemoAgent: u.key === "agent",
  }));

  const gen = new JourneyGenerator({ seed: SEED, now, agents, inboxes, teamIds, articleIds }).generate(customerCount, eventTarget);
  log(
    `seed: generated ${gen.customers.length} customers, ${gen.conversations.length} conversations, ${gen.messages.length} messages, ${gen.events.length} timeline events in ${Date.now() - started} ms`,
  );

  const adminId = userIds.get("admin")!;
  const demoApiKey = envValue("DEMO_API_KEY");
  await prisma.$transaction(
    async (tx) => {
      // Several processes may start on one empty database: one seeds, the others
      // wait here and then find it seeded.
      await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM pg_advisory_xact_lock(${SEED_LOCK})`);
      const u = await tx.user.count();
      const i = await tx.inbox.count();
      if (u > 0 || i > 0) throw new SeedNotEmptyError(`seedDemo needs an empty database (found ${u} users, ${i} inboxes)`);
      await tx.user.createMany({
        data: USERS.map((u) => ({
          id: userIds.get(u.key)!,
          email: u.email,
          name: u.name,
          passwordHash,
          role: u.role,
          capacity: u.capacity,
          presence: u.key === "agent" || u.key === "aiko" ? ("online" as const) : ("offline" as const),
          createdAt: new Date(now.getTime() - 560 * 86_400_000),
        })),
      });
      await tx.team.createMany({
        data: TEAMS.map((t) => ({ id: teamIds.get(t)!, name: t, businessHours: businessHours(), holidays: holidays(now) })),
      });
      await tx.teamMember.createMany({
        data: USERS.flatMap((u) => u.teams.map((t) => ({ teamId: teamIds.get(t)!, userId: userIds.get(u.key)! }))),
      });
      await tx.inbox.createMany({
        data: inboxes.map((i) => ({
          id: i.id,
          name: i.name,
          channel: i.channel,
          publicId: i.publicId,
          settings: i.settings as Prisma.InputJsonValue,
          secretEnv: i.secretEnv,
        })),
      });
      await tx.teamInbox.createMany({
        data: inboxes.flatMap((i) => i.teams.map((t) => ({ teamId: teamIds.get(t)!, inboxId: i.id }))),
      });
      if (demoApiKey) {
        await tx.apiKey.create({
          data: { name: "Demo API key", prefix: demoApiKey.slice(0, 10), keyHash: hashApiKey(demoApiKey), scopes: ["*"], createdById: adminId },
        });
      } else {
        log("seed: DEMO_API_KEY is not set — no demo API key created");
      }
      await tx.slaPolicy.createMany({ data: SLA_POLICIES.map((p) => ({ ...p, businessHoursOnly: true })) });
      await tx.macro.createMany({ data: MACROS.map((m) => ({ ...m, createdById: adminId })) });
      await tx.automationRule.createMany({
        data: AUTOMATION_RULES.map((a) => ({ name: a.name, trigger: a.trigger, conditions: a.conditions, actions: a.actions, position: a.position })),
      });
      await tx.article.createMany({
        data: ARTICLES.map((a, i) => {
          const views = gen.articleViews.get(a.slug) ?? 0;
          const created = new Date(now.getTime() - (600 - i * 20) * 86_400_000);
          return {
            id: articleIds.get(a.slug)!,
            slug: a.slug,
            locale: "en",
            title: a.title,
            body: a.body,
            category: a.category,
            status: "published" as const,
            views,
            helpfulYes: Math.round(views * 0.3),
            helpfulNo: Math.round(views * 0.04),
            createdAt: created,
            updatedAt: created,
          };
        }),
      });
      await writeGenerated(tx, gen, now);
    },
    { timeout: 180_000, maxWait: 20_000 },
  );

  const showcase = gen.showcaseCustomerId;
  log(
    `seed: demo data written in ${Date.now() - started} ms — ${gen.customers.length} customers, ${gen.events.length} events; ` +
      `showcase customer: ${SHOWCASE_CUSTOMER_NAME}${showcase ? ` (/customers/${showcase})` : ""}`,
  );
  return { customers: gen.customers.length, events: gen.events.length, showcaseCustomerId: showcase };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const date = (t: number | null) => (t === null ? null : new Date(t));

async function writeGenerated(tx: Tx, gen: Generated, now: Date) {
  for (const part of chunks(gen.customers, 2000)) {
    await tx.customer.createMany({
      data: part.map((c) => ({
        id: c.id,
        name: c.name,
        attributes: c.attributes as Prisma.InputJsonValue,
        journeyStage: c.journeyStage,
        lifetimeValue: c.lifetimeValue,
        lastSeenAt: date(c.lastSeenAt),
        createdAt: new Date(c.createdAt),
        updatedAt: new Date(c.lastSeenAt ?? now.getTime()),
      })),
    });
  }
  for (const part of chunks(gen.identities, 4000)) {
    await tx.customerIdentity.createMany({
      data: part.map((i) => ({
        id: i.id,
        customerId: i.customerId,
        originCustomerId: i.customerId,
        kind: i.kind,
        value: i.value,
        verified: i.verified,
        source: "seed",
        createdAt: new Date(i.at),
      })),
    });
  }
  const paused = (status: string) => status === "pending" || status === "snoozed";
  // In time order, so ticket numbers grow with time.
  const conversations = [...gen.conversations].sort((a, b) => a.createdAt - b.createdAt);
  for (const part of chunks(conversations, 1000)) {
    await tx.conversation.createMany({
      data: part.map((c) => ({
        id: c.id,
        customerId: c.customerId,
        originCustomerId: c.customerId,
        inboxId: c.inboxId,
        channel: c.channel,
        status: c.status,
        priority: c.priority,
        assigneeId: c.assigneeId,
        teamId: c.teamId,
        tags: c.tags,
        subject: c.subject,
        externalThreadKey: c.externalThreadKey,
        snoozedUntil: date(c.snoozedUntil),
        // Waiting on the customer or snoozed: the SLA clocks are paused (src/server/sla/pause.ts).
        firstResponseDueAt: paused(c.status) ? null : new Date(c.firstResponseDueAt),
        resolutionDueAt: paused(c.status) ? null : new Date(c.resolutionDueAt),
        slaPausedAt: paused(c.status) ? new Date(c.updatedAt) : null,
        firstResponseAt: date(c.firstResponseAt),
        resolvedAt: date(c.resolvedAt),
        reopenCount: c.reopenCount,
        waitingSince: date(c.waitingSince),
        lastMessageAt: new Date(c.lastMessageAt),
        lastMessagePreview: c.lastMessagePreview,
        createdAt: new Date(c.createdAt),
        updatedAt: new Date(c.updatedAt),
      })),
    });
  }
  for (const part of chunks(gen.messages, MESSAGE_CHUNK)) await insertMessages(tx, part);
  if (gen.surveys.length) {
    await tx.survey.createMany({
      data: gen.surveys.map((s) => ({
        id: s.id,
        kind: s.kind,
        customerId: s.customerId,
        conversationId: s.conversationId,
        channel: s.channel,
        token: s.token,
        sentAt: new Date(s.sentAt),
        expiresAt: new Date(s.expiresAt),
      })),
    });
    const responses = gen.surveys.filter((s) => s.response);
    if (responses.length) {
      await tx.surveyResponse.createMany({
        data: responses.map((s) => ({
          id: s.response!.id,
          surveyId: s.id,
          kind: s.kind,
          score: s.response!.score,
          comment: s.response!.comment,
          createdAt: new Date(s.response!.at),
        })),
      });
    }
  }
  for (const part of chunks(gen.events, EVENT_CHUNK)) await insertEvents(tx, part);
}

// Multi-row inserts through unnest(): one statement and 20-odd array
// parameters per few thousand rows, instead of a bind parameter per value.

async function insertMessages(tx: Tx, rows: Msg[]) {
  await tx.$executeRawUnsafe(
    `INSERT INTO messages (id, conversation_id, inbox_id, direction, is_note, author_id, body_text, body_html, quoted_text, subject,
        platform_message_id, in_reply_to, "references", delivery_status, delivery_error, sent_at, delivered_at, read_at, created_at)
     SELECT id, conversation_id, inbox_id, direction, is_note, author_id, body_text, body_html, quoted_text, subject,
        platform_message_id, in_reply_to, coalesce(string_to_array(nullif(refs, ''), ' '), '{}'), delivery_status, delivery_error,
        sent_at, delivered_at, read_at, created_at
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::"MessageDirection"[], $5::boolean[], $6::uuid[], $7::text[], $8::text[],
        $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::"DeliveryStatus"[], $15::text[], $16::timestamptz[],
        $17::timestamptz[], $18::timestamptz[], $19::timestamptz[])
       AS t(id, conversation_id, inbox_id, direction, is_note, author_id, body_text, body_html, quoted_text, subject,
        platform_message_id, in_reply_to, refs, delivery_status, delivery_error, sent_at, delivered_at, read_at, created_at)`,
    rows.map((m) => m.id),
    rows.map((m) => m.conversationId),
    rows.map((m) => m.inboxId),
    rows.map((m) => m.direction),
    rows.map((m) => m.isNote),
    rows.map((m) => m.authorId),
    rows.map((m) => m.bodyText),
    rows.map((m) => m.bodyHtml),
    rows.map((m) => m.quotedText),
    rows.map((m) => m.subject),
    rows.map((m) => m.platformMessageId),
    rows.map((m) => m.inReplyTo),
    rows.map((m) => m.references.join(" ")),
    rows.map((m) => m.deliveryStatus),
    rows.map((m) => m.deliveryError),
    rows.map((m) => iso(m.sentAt)),
    rows.map((m) => iso(m.deliveredAt)),
    rows.map((m) => iso(m.readAt)),
    rows.map((m) => iso(m.at)),
  );
}

async function insertEvents(tx: Tx, rows: Ev[]) {
  // Scored as the write path scores them (customer messages, survey answers), so the demo's timelines and journey curves show emotion.
  const emotions = rows.map((e) =>
    touchpointEmotion({ actor: e.actor, kind: e.kind, text: e.text, name: e.name, payload: e.payload, message: e.kind === "message" ? { direction: e.actor === "customer" ? "inbound" : "outbound", bodyText: e.text } : undefined }),
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, actor_user_id,
        conversation_id, inbox_id, message_id, name, text, payload, created_at, sentiment_score, sentiment_label, frustration_cues)
     SELECT id, customer_id, customer_id, occurred_at, kind, channel, actor, actor_user_id,
        conversation_id, inbox_id, message_id, name, text, payload, occurred_at, sentiment_score, sentiment_label, string_to_array(cues, chr(31))
     FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::"TimelineKind"[], $5::"ChannelKind"[], $6::"Actor"[], $7::uuid[],
        $8::uuid[], $9::uuid[], $10::uuid[], $11::text[], $12::text[], $13::jsonb[], $14::float8[], $15::"SentimentLabel"[], $16::text[])
       AS t(id, customer_id, occurred_at, kind, channel, actor, actor_user_id, conversation_id, inbox_id, message_id, name, text, payload, sentiment_score, sentiment_label, cues)`,
    rows.map((e) => e.id),
    rows.map((e) => e.customerId),
    rows.map((e) => iso(e.at)),
    rows.map((e) => e.kind),
    rows.map((e) => e.channel),
    rows.map((e) => e.actor),
    rows.map((e) => e.actorUserId),
    rows.map((e) => e.conversationId),
    rows.map((e) => e.inboxId),
    rows.map((e) => e.messageId),
    rows.map((e) => e.name),
    rows.map((e) => e.text),
    rows.map((e) => JSON.stringify(e.payload)),
    emotions.map((m) => m?.score ?? null),
    emotions.map((m) => m?.label ?? null),
    emotions.map((m) => (m?.cues ?? []).join("\u001f")),
  );
}
