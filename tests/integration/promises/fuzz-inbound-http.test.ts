// Property-based fuzzing of every inbound HTTP endpoint against a real app
// server on a fresh, seeded database: /api/webhooks/{meta,whatsapp,telegram,x}
// (bodies signed over their exact bytes with the test secrets, some with a
// wrong or missing signature), /api/inbound/email and POST /api/v1/events.
// Bodies are real payloads mutated and truncated, generated header soup,
// random JSON and random bytes. Runs are sequential so row counts before and
// after each request tell exactly what it stored. Properties:
//   - never a 5xx (the database is up the whole time);
//   - a 4xx answers JSON with a readable message;
//   - nothing half-stored: a refused request leaves messages, timeline events,
//     customers, identities, conversations and attachments as they were; an
//     accepted one leaves the rows it claims (message + timeline event +
//     conversation + customer; an event row per created item) and no message
//     without its timeline event, no customer without anything on record.
// fast-check prints the seed and the shrunk counterexample on failure;
// FUZZ_SEED replays one, FUZZ_RUNS multiplies the runs.
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "@/server/api-keys/hash";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";
import { fixture } from "../../fixtures/social/load";
import { corruptedFixture, FIXTURES as EMAIL_FIXTURES, headerSoup, truncatedFixture } from "../../helpers/fuzz-email-arbitraries";
import { fraction, HOSTILE, mutatedJson, randomJson, type Json } from "../../helpers/fuzz-json-arbitraries";

const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const params = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: Math.round(numRuns * RUNS),
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
});
const TEST_TIMEOUT_MS = 240_000 * RUNS;

let t: TestDatabase;
let app: AppServer;

// No demo seed: its background work (SLA watcher, journey sweep, timed rules
// over seeded conversations) would write rows at any moment and blur what
// each request stored. The app gets exactly the inboxes and the API key the
// endpoints need, with the demo identifiers and the test secrets.
const INBOXES = [
  { name: "Support email", channel: "email", publicId: "support@throughline.test", secretEnv: { token: "DEMO_INBOX_TOKEN" } },
  { name: "Messenger", channel: "messenger", publicId: "100000000000001", secretEnv: { token: "META_PAGE_TOKEN" } },
  { name: "Instagram", channel: "instagram", publicId: "17841400000000001", secretEnv: { token: "INSTAGRAM_TOKEN" } },
  { name: "WhatsApp", channel: "whatsapp", publicId: "100000000000002", secretEnv: { token: "WHATSAPP_TOKEN" } },
  { name: "Telegram", channel: "telegram", publicId: TEST_SECRETS.TELEGRAM_BOT_TOKEN.split(":")[0]!, secretEnv: { token: "TELEGRAM_BOT_TOKEN" } },
  { name: "X", channel: "x", publicId: "1000000000000000001", secretEnv: { token: "X_ACCESS_TOKEN" } },
] as const;

beforeAll(async () => {
  t = await createTestDatabase();
  for (const inbox of INBOXES) await t.prisma.inbox.create({ data: { ...inbox, secretEnv: { ...inbox.secretEnv } } });
  await t.prisma.apiKey.create({ data: { name: "fuzz", prefix: TEST_SECRETS.DEMO_API_KEY.slice(0, 10), keyHash: hashApiKey(TEST_SECRETS.DEMO_API_KEY), scopes: ["*"] } });
  app = await startAppServer({ databaseUrl: t.url, seed: false });
});

afterAll(async () => {
  await app?.stop();
  await t?.drop();
});

// ---------------------------------------------------------------- the database's view

const TABLES = ["messages", "timeline_events", "customers", "customer_identities", "conversations", "attachments"] as const;
type Counts = Record<(typeof TABLES)[number], number>;

// Journey stages are derived after commit (debounced per customer), not written by the request.
const WHERE: Partial<Record<(typeof TABLES)[number], string>> = { timeline_events: "kind <> 'journey_stage'" };

async function counts(): Promise<Counts> {
  const [row] = await t.prisma.$queryRawUnsafe<Record<string, bigint>[]>(`SELECT ${TABLES.map((n) => `(SELECT count(*) FROM ${n}${WHERE[n] ? ` WHERE ${WHERE[n]}` : ""}) AS ${n}`).join(", ")}`);
  return Object.fromEntries(TABLES.map((n) => [n, Number(row![n])])) as Counts;
}

/** Rows that only a half-finished write leaves: a message without its timeline event, a customer with nothing on record. */
async function orphans(): Promise<{ messagesWithoutEvent: number; emptyCustomers: number }> {
  const [row] = await t.prisma.$queryRawUnsafe<{ m: bigint; c: bigint }[]>(`
    SELECT
      (SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM timeline_events e WHERE e.message_id = m.id)) AS m,
      (SELECT count(*) FROM customers c WHERE c.merged_into_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM timeline_events e WHERE e.customer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM conversations v WHERE v.customer_id = c.id)) AS c`);
  return { messagesWithoutEvent: Number(row!.m), emptyCustomers: Number(row!.c) };
}

/** After an accepted request, what runs after commit (automation, journey stages) settles before the next snapshot. */
async function settle(): Promise<void> {
  let last = JSON.stringify(await counts());
  for (let i = 0; i < 25; i++) {
    await new Promise((r) => setTimeout(r, 120));
    const now = JSON.stringify(await counts());
    if (now === last) return;
    last = now;
  }
}

// ---------------------------------------------------------------- requests and shared checks

type Answer = { status: number; text: string; json: unknown; contentType: string };

async function post(path: string, body: Uint8Array, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${app.url}${path}`, { method: "POST", headers, body: new Uint8Array(body) });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, json, contentType: res.headers.get("content-type") ?? "" };
}

function describeAnswer(a: Answer) {
  return `${a.status} ${a.text.slice(0, 300)}`;
}

/** The properties every endpoint shares; returns whether the request was accepted. */
function expectClearAnswer(a: Answer): boolean {
  expect(a.status, describeAnswer(a)).toBeLessThan(500);
  if (a.status >= 400) {
    expect(a.contentType, describeAnswer(a)).toMatch(/^application\/json/);
    const body = a.json as { message?: unknown; error?: { message?: unknown } | string };
    const message = typeof body?.error === "object" ? body.error.message : body?.message;
    expect(typeof message === "string" && message.trim().length > 0, `4xx without a message: ${describeAnswer(a)}`).toBe(true);
    return false;
  }
  expect(a.status, describeAnswer(a)).toBeGreaterThanOrEqual(200);
  expect(a.status, describeAnswer(a)).toBeLessThan(300);
  return true;
}

/** Sends one request between two snapshots and checks the shared properties; returns the answer for endpoint-specific checks. */
async function exchange(path: string, body: Uint8Array, headers: Record<string, string>, onAccepted: (a: Answer, before: Counts, after: Counts) => Promise<void>): Promise<Answer> {
  const before = await counts();
  const orphansBefore = await orphans();
  const answer = await post(path, body, headers);
  if (expectClearAnswer(answer)) {
    await settle();
    await onAccepted(answer, before, await counts());
  } else {
    const after = await counts();
    const changed = TABLES.filter((n) => after[n] !== before[n]).map((n) => `${n} ${before[n]} → ${after[n]}`);
    const newest = changed.length ? await t.prisma.timelineEvent.findFirst({ orderBy: { createdAt: "desc" }, select: { kind: true, channel: true, name: true, text: true, createdAt: true } }) : null;
    expect(changed, `a refused request changed rows: ${describeAnswer(answer)}; newest event ${JSON.stringify(newest)}`).toEqual([]);
  }
  expect(await orphans(), `half-stored rows after ${describeAnswer(answer)}`).toEqual(orphansBefore);
  return answer;
}

// ---------------------------------------------------------------- social webhooks

type Platform = "meta" | "whatsapp" | "telegram" | "x";

const SEEDS: Record<Platform, string[]> = {
  meta: ["messenger-text", "messenger-batch", "messenger-attachments", "messenger-echo", "messenger-edit", "messenger-reaction", "messenger-delivery", "messenger-read", "instagram-text", "instagram-deleted", "whatsapp-text"],
  whatsapp: ["whatsapp-text", "whatsapp-media", "whatsapp-status", "whatsapp-status-failed"],
  telegram: ["telegram-text", "telegram-photo", "telegram-sticker", "telegram-contact", "telegram-edited"],
  x: ["x-dm", "x-dm-media", "x-echo", "x-mark-read"],
};

/**
 * The fixture with new message ids (and sometimes new senders), so a run
 * stores new rows instead of meeting the fixture's earlier delivery.
 */
function freshen(json: Json, tag: number, newSender: boolean): Json {
  const walk = (v: Json, parentKey: string): Json => {
    if (Array.isArray(v)) return v.map((x) => walk(x, parentKey));
    if (!v || typeof v !== "object") return v;
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      const isMessageId = k === "mid" || k === "message_id" || k === "update_id" || (k === "id" && (parentKey === "direct_message_events" || (typeof x === "string" && x.startsWith("wamid."))));
      const isSender = newSender && ((k === "id" && (parentKey === "sender" || parentKey === "from" || parentKey === "chat")) || k === "sender_id" || k === "wa_id" || (k === "from" && typeof x === "string"));
      if (isMessageId || isSender) out[k] = typeof x === "number" ? x + tag : typeof x === "string" ? `${x}${tag}` : x;
      else out[k] = walk(x, k);
    }
    return out;
  };
  return walk(json, "");
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

function webhookBody(platform: Platform): fc.Arbitrary<Uint8Array> {
  const seed = fc.tuple(fc.constantFrom(...SEEDS[platform]), fc.integer({ min: 1, max: 1_000_000_000 }), fc.boolean()).map(([name, tag, newSender]) => freshen(fixture(name) as Json, tag, newSender));
  return fc.oneof(
    { weight: 2, arbitrary: seed.map((j) => utf8(JSON.stringify(j))) },
    { weight: 5, arbitrary: mutatedJson(seed).map((j) => utf8(JSON.stringify(j))) },
    { weight: 1, arbitrary: fc.tuple(seed, fraction).map(([j, at]) => utf8(JSON.stringify(j)).subarray(0, Math.floor(JSON.stringify(j).length * at))) },
    { weight: 1, arbitrary: randomJson.map((j) => utf8(JSON.stringify(j) ?? "null")) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
}

type Signing = "valid" | "wrong" | "missing";
const signing = fc.oneof({ weight: 17, arbitrary: fc.constant<Signing>("valid") }, { weight: 2, arbitrary: fc.constant<Signing>("wrong") }, { weight: 1, arbitrary: fc.constant<Signing>("missing") });

function webhookHeaders(platform: Platform, raw: Uint8Array, how: Signing): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (how === "missing") return headers;
  const hmac = (secret: string) => createHmac("sha256", how === "valid" ? secret : `${secret}-wrong`).update(raw);
  if (platform === "meta" || platform === "whatsapp") headers["x-hub-signature-256"] = `sha256=${hmac(TEST_SECRETS.META_APP_SECRET).digest("hex")}`;
  else if (platform === "x") headers["x-twitter-webhooks-signature"] = `sha256=${hmac(TEST_SECRETS.X_CONSUMER_SECRET).digest("base64")}`;
  else headers["x-telegram-bot-api-secret-token"] = how === "valid" ? TEST_SECRETS.TELEGRAM_WEBHOOK_SECRET : "wrong-secret";
  return headers;
}

describe("fuzzing the social webhooks", { timeout: TEST_TIMEOUT_MS }, () => {
  for (const platform of ["meta", "whatsapp", "telegram", "x"] as const) {
    it(`POST /api/webhooks/${platform}: never 5xx, JSON refusals, nothing half-stored`, async () => {
      await fc.assert(
        fc.asyncProperty(webhookBody(platform), signing, async (raw, how) => {
          const a = await exchange(`/api/webhooks/${platform}`, raw, webhookHeaders(platform, raw, how), async (a, before, after) => {
            expect(how, "accepted without a valid signature").toBe("valid");
            expect(a.text).toBe(platform === "meta" || platform === "whatsapp" ? "EVENT_RECEIVED" : "ok");
            // Whatever was stored came as whole messages: each with its timeline event (checked by orphans()).
            expect(after.timeline_events - before.timeline_events).toBeGreaterThanOrEqual(after.messages - before.messages);
          });
          if (how !== "valid") expect(a.status, describeAnswer(a)).toBe(401);
        }),
        params(50),
      );
    });
  }
});

// ---------------------------------------------------------------- email over HTTP

const withFreshMessageId = (raw: Buffer, tag: string) => Buffer.from(raw.toString("latin1").replace(/^Message-ID:\s*</im, `Message-ID: <${tag}.`), "latin1");

const emailBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...EMAIL_FIXTURES), fc.uuid()).map(([raw, tag]) => withFreshMessageId(raw, tag)) },
  { weight: 2, arbitrary: fc.tuple(truncatedFixture, fc.uuid()).map(([raw, tag]) => withFreshMessageId(raw, tag)) },
  { weight: 2, arbitrary: fc.tuple(corruptedFixture, fc.uuid()).map(([raw, tag]) => withFreshMessageId(raw, tag)) },
  // Soup under a valid envelope reaches storage; without one it is refused (no sender).
  { weight: 3, arbitrary: fc.tuple(headerSoup, fc.uuid()).map(([soup, tag]) => Buffer.concat([Buffer.from(`From: fuzz-${tag}@customer.test\r\nTo: support@throughline.test\r\nMessage-ID: <${tag}@fuzz.test>\r\n`), soup])) },
  { weight: 1, arbitrary: headerSoup },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.from(b)) },
);

const emailAuth = fc.oneof(
  { weight: 18, arbitrary: fc.constant(`Bearer ${TEST_SECRETS.DEMO_INBOX_TOKEN}`) },
  { weight: 1, arbitrary: fc.constant("Bearer not-the-inbox-token") },
  { weight: 1, arbitrary: fc.constant("") },
);
const emailType = fc.oneof({ weight: 18, arbitrary: fc.constantFrom("message/rfc822", "text/plain", "application/octet-stream") }, { weight: 1, arbitrary: fc.constant("application/json") });

describe("fuzzing POST /api/inbound/email", { timeout: TEST_TIMEOUT_MS }, () => {
  it("never 5xx, JSON refusals, a 202 names a stored message with its event, conversation and customer, nothing half-stored", async () => {
    await fc.assert(
      fc.asyncProperty(emailBody, emailAuth, emailType, async (raw, auth, type) => {
        const headers: Record<string, string> = { "content-type": type, ...(auth ? { authorization: auth } : {}) };
        await exchange("/api/inbound/email", new Uint8Array(raw), headers, async (a) => {
          expect(a.status).toBe(202);
          const body = a.json as { id: string; eventId: string; conversationId: string; customerId: string; duplicate: boolean };
          expect(typeof body.duplicate).toBe("boolean");
          const message = await t.prisma.message.findUnique({ where: { id: body.id }, include: { event: true, conversation: true } });
          expect(message, `202 for a message that is not stored: ${a.text}`).not.toBeNull();
          expect(message!.event?.id).toBe(body.eventId);
          expect(message!.conversation.id).toBe(body.conversationId);
          // The sender's timeline (a reply may thread into a conversation someone else opened).
          expect(message!.event?.customerId).toBe(body.customerId);
          expect(await t.prisma.customer.count({ where: { id: body.customerId } })).toBe(1);
        });
      }),
      params(60),
    );
  });
});

// ---------------------------------------------------------------- events API

const HOSTILE_DATES = [
  "2026-01-31T12:00:00Z", "2026-01-31T12:00:00.123+02:00", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z", "+275760-09-13T00:00:00Z", "2026-01-31T12:00:00.123456789Z",
  "2026-01-31T24:00:00Z", "2026-01-31", "yesterday", "", "2026-01-31T12:00:00+25:00",
];

const hostileCustomer = fc.record(
  {
    email: fc.oneof(fc.uuid().map((u) => `fuzz-${u}@example.test`), fc.constantFrom("not-an-email", "", "A@B.C", "x@y.z\u0000", "a@b.c".padStart(400, "a"))),
    externalId: fc.oneof(fc.uuid(), fc.constantFrom("", " ", "\u0000", "\ud800", "x".repeat(300))),
    phone: fc.constantFrom("+4915112345678", "+1 650 555 1234", "12345", "+", "\u0000", "phone"),
    name: fc.oneof(fc.string({ unit: "binary", maxLength: 30 }), fc.constantFrom("Ann\u0000", "\ud800", "x".repeat(300))),
  },
  { requiredKeys: [] },
);

// Each field's hostile values, put one or two at a time into an otherwise valid event.
const HOSTILE_FIELDS: Record<string, fc.Arbitrary<Json>> = {
  customer: fc.oneof({ weight: 4, arbitrary: hostileCustomer as fc.Arbitrary<Json> }, { weight: 1, arbitrary: randomJson }),
  name: fc.oneof(fc.constantFrom("", " ", "a\u0000b", "\ud800", "x".repeat(101)), fc.string({ unit: "binary", maxLength: 20 }), randomJson),
  occurredAt: fc.oneof(fc.constantFrom(...HOSTILE_DATES), randomJson),
  properties: fc.oneof(
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("amount", "plan", "path", "currency", "\u0000", "\ud800", "__proto__")), randomJson, { maxKeys: 5 }),
    fc.record({ amount: fc.oneof(fc.double(), fc.constantFrom(99.5, 1e12, -1, "99") as fc.Arbitrary<Json>), currency: fc.constantFrom("usd", "\u0000", "€") }),
    fc.constantFrom(...HOSTILE),
  ),
  idempotencyKey: fc.oneof(fc.constantFrom("", "\u0000", "\ud800", "k".repeat(201)), randomJson),
};

/** A valid product event (new customer, new idempotency key), as an integration sends them. */
const validEvent = fc.record(
  {
    customer: fc.oneof(fc.uuid().map((u) => ({ email: `fuzz-${u}@example.test` })), fc.uuid().map((u) => ({ externalId: u, name: "Fuzz" }))),
    name: fc.constantFrom("purchase", "page_view", "signup", "login", "trial_started"),
    occurredAt: fc.constantFrom("2026-01-31T12:00:00Z", "2026-01-31T12:00:00.123+02:00", "1999-12-31T23:59:59Z"),
    properties: fc.record({ amount: fc.integer({ min: 0, max: 10_000 }), plan: fc.constantFrom("Pro", "Team"), path: fc.constantFrom("/pricing", "/docs") }, { requiredKeys: [] }),
    idempotencyKey: fc.uuid(),
  },
  { requiredKeys: ["customer", "name"] },
) as fc.Arbitrary<Record<string, Json>>;

const hostileEvent: fc.Arbitrary<Json> = fc
  .tuple(validEvent, fc.uniqueArray(fc.constantFrom(...Object.keys(HOSTILE_FIELDS)), { minLength: 1, maxLength: 2 }), fc.tuple(...Object.values(HOSTILE_FIELDS)), fc.boolean())
  .map(([event, fields, values, drop]) => {
    const out: Record<string, Json> = { ...event };
    for (const f of fields) {
      if (drop && f !== "customer") delete out[f];
      else out[f] = values[Object.keys(HOSTILE_FIELDS).indexOf(f)]!;
    }
    return out;
  });

const plausibleEvent: fc.Arbitrary<Json> = fc.oneof({ weight: 2, arbitrary: validEvent as fc.Arbitrary<Json> }, { weight: 3, arbitrary: hostileEvent });

const eventsBody: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: plausibleEvent.map((e) => utf8(JSON.stringify(e))) },
  { weight: 3, arbitrary: fc.array(plausibleEvent, { minLength: 1, maxLength: 4 }).map((es) => utf8(JSON.stringify(es))) },
  { weight: 2, arbitrary: mutatedJson(fc.array(plausibleEvent, { minLength: 1, maxLength: 3 }) as fc.Arbitrary<Json>).map((j) => utf8(JSON.stringify(j) ?? "null")) },
  { weight: 1, arbitrary: fc.tuple(plausibleEvent, fraction).map(([e, at]) => utf8(JSON.stringify(e)).subarray(0, Math.floor(JSON.stringify(e).length * at))) },
  { weight: 1, arbitrary: randomJson.map((j) => utf8(JSON.stringify(j) ?? "null")) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
);

const apiAuth = fc.oneof(
  { weight: 18, arbitrary: fc.constant(`Bearer ${TEST_SECRETS.DEMO_API_KEY}`) },
  { weight: 1, arbitrary: fc.constant("Bearer tl_not_a_key") },
  { weight: 1, arbitrary: fc.constant("") },
);

describe("fuzzing POST /api/v1/events", { timeout: TEST_TIMEOUT_MS }, () => {
  it("never 5xx, JSON refusals, each item created or named in errors, every created id stored, nothing half-stored", async () => {
    await fc.assert(
      fc.asyncProperty(eventsBody, apiAuth, async (raw, auth) => {
        const headers: Record<string, string> = { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) };
        await exchange("/api/v1/events", raw, headers, async (a, before, after) => {
          expect(a.status).toBe(202);
          const body = a.json as { items: { index: number; id: string; status: string }[]; errors: { index: number; message: string }[] };
          let sent: unknown = null;
          try {
            sent = JSON.parse(Buffer.from(raw).toString("utf8"));
          } catch {
            /* accepted, so it parsed */
          }
          const n = Array.isArray(sent) ? sent.length : 1;
          // Every item is answered exactly once: created/duplicate or an error naming it.
          expect([...body.items.map((i) => i.index), ...body.errors.map((e) => e.index)].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
          for (const e of body.errors) expect(e.message.trim().length).toBeGreaterThan(0);
          for (const item of body.items) {
            expect(["created", "duplicate"]).toContain(item.status);
            expect(await t.prisma.timelineEvent.count({ where: { id: item.id, kind: "product_event" } }), `item ${item.index} answered but not stored`).toBe(1);
          }
          const created = new Set(body.items.filter((i) => i.status === "created").map((i) => i.id)).size;
          expect(after.timeline_events - before.timeline_events).toBeGreaterThanOrEqual(created);
        });
      }),
      params(60),
    );
  });
});

// ---------------------------------------------------------------- regressions

// Shrunk counterexamples of bugs the fuzzers found (each was a 5xx: a 500 from
// the events API, a 503 "retry later" from the webhooks and the email
// endpoint, so the sender would have retried the same bytes for ever).
describe("inbound regressions found by fuzzing", () => {
  const signedMeta = (body: unknown) => {
    const raw = utf8(JSON.stringify(body));
    return post("/api/webhooks/meta", raw, webhookHeaders("meta", raw, "valid"));
  };
  const events = (body: unknown) => post("/api/v1/events", utf8(JSON.stringify(body)), { "content-type": "application/json", authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` });

  it("events API: an occurredAt in year 0 (valid ISO-8601, not to PostgreSQL) is the item's 400", async () => {
    const res = await events([{ customer: { email: "A@B.C" }, name: "purchase", occurredAt: "0000-01-01T00:00:00Z" }]);
    expect(res.status).toBe(400);
    expect((res.json as { errors: { index: number; message: string }[] }).errors).toEqual([{ index: 0, message: "occurredAt: is before the year 1" }]);
  });

  it("events API: NUL or an unpaired surrogate in any string is that item's error; the valid items are stored", async () => {
    const before = await counts();
    const res = await events([
      { customer: { email: "nul-ok@example.test" }, name: "signup" },
      { customer: { email: "nul-1@example.test" }, name: "purchase", properties: { plan: "Pro\u0000" } },
      { customer: { email: "nul-2@example.test", name: "\ud800" }, name: "login" },
      { customer: { email: "nul-3@example.test" }, name: "a\u0000b" },
    ]);
    expect(res.status, describeAnswer(res)).toBe(202);
    const body = res.json as { items: { index: number }[]; errors: { index: number; message: string }[] };
    expect(body.items.map((i) => i.index)).toEqual([0]);
    expect(body.errors.map((e) => e.message)).toEqual([
      "properties.plan: must not contain NUL characters or unpaired UTF-16 surrogates",
      "customer.name: must not contain NUL characters or unpaired UTF-16 surrogates",
      "name: must not contain NUL characters or unpaired UTF-16 surrogates",
    ]);
    expect((await counts()).customers).toBe(before.customers + 1);
  });

  it("Meta: a message with NUL and an unpaired surrogate is stored, cleaned", async () => {
    const body = fixture("messenger-text");
    body.entry[0].messaging[0].message.mid = "m_fuzz_nul_regression";
    body.entry[0].messaging[0].message.text = "Hi\u0000 there \ud800";
    const res = await signedMeta(body);
    expect(res.status, describeAnswer(res)).toBe(200);
    const m = await t.prisma.message.findFirstOrThrow({ where: { platformMessageId: "m_fuzz_nul_regression" }, include: { event: true } });
    expect(m.bodyText).toBe("Hi there \ufffd");
    expect(m.event?.text).toBe("Hi there \ufffd");
  });

  it("Meta: a delivery receipt with a watermark beyond any Date is acknowledged", async () => {
    const body = fixture("messenger-delivery");
    body.entry[0].messaging[0].delivery.watermark = 1e308;
    const res = await signedMeta(body);
    expect(res.status, describeAnswer(res)).toBe(200);
  });

  it("email: NUL bytes in the body and an unpaired surrogate in the subject are stored, cleaned", async () => {
    const raw = Buffer.from("From: nul@customer.test\r\nTo: support@throughline.test\r\nSubject: =?utf-16le?B?ANg=?= help\r\nMessage-ID: <nul-regression@customer.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMy order\u0000 is late\r\n", "utf8");
    const res = await post("/api/inbound/email", new Uint8Array(raw), { "content-type": "message/rfc822", authorization: `Bearer ${TEST_SECRETS.DEMO_INBOX_TOKEN}` });
    expect(res.status, describeAnswer(res)).toBe(202);
    const m = await t.prisma.message.findUniqueOrThrow({ where: { id: (res.json as { id: string }).id } });
    expect(m.bodyText).toBe("My order is late");
    expect(m.subject).toBe("\ufffd help");
  });
});
