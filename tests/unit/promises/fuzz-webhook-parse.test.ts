// Property-based fuzzing of the social platforms' pure webhook parsers
// (Meta: Messenger/Instagram, WhatsApp, Telegram, X). Inputs: the documented
// payloads in tests/fixtures/social mutated (fields dropped, retyped,
// replaced by random or hostile values, arrays duplicated), random JSON,
// random JS values, and random or truncated bytes through the same
// bytes → JSON → parser step the webhook handler runs. Property: the parser
// either returns events that the write path accepts (the checks of
// recordTouchpoint's validation and identity normalisation, valid dates,
// storable strings) or throws MalformedPayloadError, the declared "bad
// payload" error (answered 400) — never a TypeError or anything else.
import { readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseMetaWebhook } from "@/server/channels/meta/parse";
import { parseMetaFamily } from "@/server/channels/meta/webhook";
import { parseWhatsAppWebhook } from "@/server/channels/whatsapp/parse";
import { parseTelegramUpdate } from "@/server/channels/telegram/parse";
import { parseXWebhook } from "@/server/channels/x/parse";
import { MalformedPayloadError, parseWebhookBody, type SocialEvent, type SocialMessageEvent } from "@/server/channels/social/types";
import { SOCIAL_CHANNELS, type SocialChannel } from "@/lib/vocabulary";
import { normalizeClaims } from "@/server/customers/identity";
import { fixture, fixtureText } from "../../fixtures/social/load";
import { fraction, mutatedJson, type Json } from "../../helpers/fuzz-json-arbitraries";

// FUZZ_SEED replays a reported failure; FUZZ_RUNS multiplies the runs for a longer hunt.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const params = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: Math.round(numRuns * RUNS),
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
});

type Parser = { name: string; parse: (body: unknown) => SocialEvent[]; channels: SocialChannel[]; seeds: string[] };

const FIXTURES = readdirSync(path.join(import.meta.dirname, "../../fixtures/social"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""));
const seedsOf = (...prefixes: string[]) => FIXTURES.filter((f) => prefixes.some((p) => f.startsWith(p)));

const PARSERS: Parser[] = [
  { name: "Meta (Messenger/Instagram)", parse: parseMetaWebhook, channels: ["messenger", "instagram"], seeds: seedsOf("messenger-", "instagram-") },
  { name: "WhatsApp", parse: parseWhatsAppWebhook, channels: ["whatsapp"], seeds: seedsOf("whatsapp-") },
  { name: "Telegram", parse: parseTelegramUpdate, channels: ["telegram"], seeds: seedsOf("telegram-") },
  { name: "X", parse: parseXWebhook, channels: ["x"], seeds: seedsOf("x-") },
  // /api/webhooks/meta and /whatsapp dispatch on `object` to either of the above.
  { name: "Meta family (dispatch)", parse: parseMetaFamily, channels: ["messenger", "instagram", "whatsapp"], seeds: seedsOf("messenger-", "instagram-", "whatsapp-") },
];

// ---------------------------------------------------------------- checks

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_TIME = Date.UTC(9999, 11, 31);

function* strings(value: unknown, at: string, seen = new Set<unknown>()): Generator<[string, string]> {
  if (typeof value === "string") yield [at, value];
  else if (value && typeof value === "object" && !(value instanceof Date)) {
    if (seen.has(value)) return;
    seen.add(value);
    for (const [k, v] of Object.entries(value)) {
      yield [`${at} key`, k];
      yield* strings(v, `${at}.${k}`, seen);
    }
  }
}

/** A date PostgreSQL's timestamptz stores and the timeline can order. */
function expectStorableDate(d: unknown, what: string) {
  expect(d, what).toBeInstanceOf(Date);
  const t = (d as Date).getTime();
  expect(Number.isNaN(t), `${what} is an invalid Date`).toBe(false);
  expect(t >= 0 && t <= MAX_TIME, `${what} out of range: ${t}`).toBe(true);
}

const nonEmpty = (v: unknown, what: string, max = 512) => {
  expect(typeof v, what).toBe("string");
  expect((v as string).trim().length > 0 && (v as string).length <= max, `${what} must be 1-${max} characters: ${JSON.stringify(v)?.slice(0, 80)}`).toBe(true);
};

/** What recordTouchpoint (src/server/ingest/touchpoint.ts validate + identity normalisation) requires of a social message. */
function expectValidMessage(m: SocialMessageEvent, channels: SocialChannel[]) {
  expect(m.type).toBe("message");
  expect(channels).toContain(m.channel);
  nonEmpty(m.threadKey, "threadKey", 256);
  expect(typeof m.platformMessageId).toBe("string");
  // A unique-index key: well under btree's 2,704-byte row limit (Telegram's is "<chat id>:<message id>").
  expect(m.platformMessageId.length).toBeLessThanOrEqual(600);
  if (m.dedupeKey !== undefined) nonEmpty(m.dedupeKey, "dedupeKey", 500);
  // Without a platform id the event must carry its own idempotency key.
  if (!m.platformMessageId.trim()) expect(m.dedupeKey).toBeDefined();
  expectStorableDate(m.occurredAt, "occurredAt");
  expect(["inbound", "outbound"]).toContain(m.direction);
  expect(Array.isArray(m.customer.identities) && m.customer.identities.length > 0).toBe(true);
  const claims = normalizeClaims(m.customer.identities); // throws InvalidIdentityError on a value we refuse
  for (const c of claims) expect(c.value.length).toBeGreaterThan(0);
  expect(m.customer.name === undefined || m.customer.name === null || typeof m.customer.name === "string").toBe(true);
  nonEmpty(m.text, "text", Infinity);
  for (const a of m.attachments) {
    nonEmpty(a.filename, "attachment filename", Infinity);
    nonEmpty(a.contentType, "attachment contentType", Infinity);
    expect(Number.isInteger(a.size) && a.size >= 0, `attachment size ${a.size}`).toBe(true);
    expect(a.remoteUrl === null || typeof a.remoteUrl === "string").toBe(true);
  }
  expect(m.meta && typeof m.meta === "object" && !Array.isArray(m.meta)).toBe(true);
  expect(() => JSON.stringify(m.meta)).not.toThrow(); // jsonb
  expect(m.passive === undefined || typeof m.passive === "boolean").toBe(true);
}

function expectValidEvent(e: SocialEvent, channels: SocialChannel[]) {
  expect(SOCIAL_CHANNELS).toContain(e.channel);
  expect(channels).toContain(e.channel);
  expect(e.account === null || (typeof e.account === "string" && e.account.length > 0)).toBe(true);
  switch (e.type) {
    case "message":
      expectValidMessage(e, channels);
      break;
    case "status":
      expect(["sent", "delivered", "read", "failed"]).toContain(e.status);
      expectStorableDate(e.at, "status at");
      if (e.watermark !== undefined) expectStorableDate(e.watermark, "watermark");
      for (const id of e.platformMessageIds ?? []) nonEmpty(id, "status platformMessageId");
      if (e.threadKey !== undefined) nonEmpty(e.threadKey, "status threadKey", 256);
      expect(e.error === undefined || e.error === null || typeof e.error === "string").toBe(true);
      break;
    case "edit":
      nonEmpty(e.platformMessageId, "edit platformMessageId");
      expect(typeof e.text).toBe("string");
      expectStorableDate(e.at, "edit at");
      expect(() => JSON.stringify(e.meta ?? {})).not.toThrow();
      if (e.fallback) expectValidMessage(e.fallback, channels);
      break;
    case "delete":
      nonEmpty(e.platformMessageId, "delete platformMessageId");
      expectStorableDate(e.at, "delete at");
      break;
    case "reaction":
      expect(["react", "unreact"]).toContain(e.action);
      expect(e.emoji === null || typeof e.emoji === "string").toBe(true);
      nonEmpty(e.targetPlatformMessageId, "reaction target");
      nonEmpty(e.reactorId, "reactor", 256);
      if (e.message !== null) expectValidMessage(e.message, channels);
      break;
    case "ignored":
      nonEmpty(e.reason, "ignored reason", Infinity);
      break;
    default:
      throw new Error(`unknown event type ${JSON.stringify((e as { type: unknown }).type)}`);
  }
  // Everything is stored in text and jsonb columns: no NUL, no lone surrogates.
  for (const [where, s] of strings(e, "event")) {
    expect(s.includes("\u0000"), `NUL in ${where}`).toBe(false);
    expect(LONE_SURROGATE.test(s), `lone surrogate in ${where}`).toBe(false);
  }
}

/** The property: valid events, or the declared bad-payload error. */
function expectEventsOrMalformed(run: () => SocialEvent[], channels: SocialChannel[]) {
  let events: SocialEvent[];
  try {
    events = run();
  } catch (error) {
    if (error instanceof MalformedPayloadError) {
      expect(error.message.length).toBeGreaterThan(0);
      return;
    }
    throw error;
  }
  expect(Array.isArray(events)).toBe(true);
  for (const e of events) expectValidEvent(e, channels);
}

const mutatedSeed = (p: Parser) => mutatedJson(fc.constantFrom(...p.seeds).map((name) => fixture(name) as Json));

// ---------------------------------------------------------------- properties

describe.each(PARSERS)("$name parser under fuzzing", { timeout: 60_000 * RUNS }, (p) => {
  it("accepts every documented fixture", () => {
    for (const name of p.seeds) {
      const events = p.parse(fixture(name));
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expectValidEvent(e, p.channels);
    }
  });

  it("mutated fixtures (fields dropped, retyped, replaced, wrapped, duplicated): valid events or MalformedPayloadError", () => {
    fc.assert(fc.property(mutatedSeed(p), (body) => expectEventsOrMalformed(() => p.parse(body), p.channels)), params(400));
  });

  it("random JSON and random JS values: valid events or MalformedPayloadError", () => {
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withSparseArray: true, withTypedArray: true }));
    fc.assert(fc.property(anything, (body) => expectEventsOrMalformed(() => p.parse(body), p.channels)), params(300));
  });

  it("random bytes and truncated payloads through bytes → JSON → parser: valid events or MalformedPayloadError", () => {
    const seedBytes = fc.tuple(fc.constantFrom(...p.seeds), fraction).map(([name, at]) => {
      const raw = Buffer.from(fixtureText(name), "utf8");
      return raw.subarray(0, Math.floor(raw.length * at));
    });
    const mutatedBytes = fc.tuple(mutatedSeed(p), fraction).map(([body, at]) => {
      const raw = Buffer.from(JSON.stringify(body), "utf8");
      return at > 0.7 ? raw : raw.subarray(0, Math.floor(raw.length * at));
    });
    const bytes = fc.oneof(seedBytes, mutatedBytes, fc.uint8Array({ maxLength: 400 }), fc.string({ unit: "binary", maxLength: 200 }).map((s) => Buffer.from(s, "utf8")));
    fc.assert(fc.property(bytes, (raw) => expectEventsOrMalformed(() => parseWebhookBody(raw, p.parse), p.channels)), params(300));
  });
});

// Shrunk counterexamples the fuzzers found, kept as explicit cases. Each was
// either a 503 (the database refused the value; the platform retries the
// same payload for ever) or an event the write path rejects.
describe("webhook parser regressions found by fuzzing", () => {
  const messenger = (patch: (item: Record<string, any>) => void) => {
    const body = fixture("messenger-text");
    patch(body.entry[0].messaging[0]);
    return parseMetaWebhook(body);
  };

  it("drops NUL and replaces lone surrogates in every string (PostgreSQL refuses both)", () => {
    const [m] = messenger((item) => (item.message.text = "a\u0000b\ud800")) as SocialMessageEvent[];
    expect(m!.text).toBe("ab\ufffd");
    const wa = fixture("whatsapp-media");
    wa.entry[0].changes[0].value.contacts[0].profile.name = "\udfff\ud800";
    for (const e of parseWhatsAppWebhook(wa)) expectValidEvent(e, ["whatsapp"]);
  });

  it("refuses ids with control characters: a NUL for_user_id is no X account", () => {
    const x = fixture("x-dm-media");
    x.for_user_id = "\u0000";
    expect(() => parseXWebhook(x)).toThrow(MalformedPayloadError);
  });

  it("ignores a message whose id is longer than any platform's (it would overflow the unique index)", () => {
    const tg = fixture("telegram-text");
    tg.message.message_id = "x".repeat(5000);
    expect(parseTelegramUpdate(tg)).toEqual([expect.objectContaining({ type: "ignored" })]);
    const [e] = messenger((item) => (item.message.mid = "m".repeat(600)));
    expect(e).toMatchObject({ type: "ignored" });
  });

  it("a media type or reaction named like an Object.prototype member is not looked up on the prototype", () => {
    const x = fixture("x-dm-media");
    x.direct_message_events[0].message_create.message_data.attachment.media.type = "constructor";
    const [m] = parseXWebhook(x) as SocialMessageEvent[];
    expect(m!.attachments[0]!.contentType).toBe("application/octet-stream");
    const reaction = fixture("messenger-reaction");
    reaction.entry[0].messaging[0].reaction = { mid: "m_1", action: "react", reaction: "constructor" };
    const [r] = parseMetaWebhook(reaction);
    expect(r).toMatchObject({ type: "reaction", emoji: "" });
    expect((r as { message: SocialMessageEvent }).message.text).toBe("reacted 👍 to a message");
  });

  it("timestamps beyond what a Date or PostgreSQL holds fall back to now", () => {
    const before = Date.now();
    const [m] = messenger((item) => (item.timestamp = 1e308)) as SocialMessageEvent[];
    expectStorableDate(m!.occurredAt, "occurredAt");
    expect(m!.occurredAt.getTime()).toBeGreaterThanOrEqual(before);
    const tg = fixture("telegram-text");
    tg.message.date = 4e12; // seconds: year 128,000
    expectStorableDate((parseTelegramUpdate(tg)[0] as SocialMessageEvent).occurredAt, "occurredAt");
  });

  it("attachment sizes are non-negative integers (a fractional or negative file_size was refused by the write path)", () => {
    const tg = fixture("telegram-photo");
    for (const p of tg.message.photo) p.file_size = -1.5;
    const [m] = parseTelegramUpdate(tg) as SocialMessageEvent[];
    expect(m!.attachments[0]!.size).toBe(0);
  });

  it("a WhatsApp sender of just '+' names no thread", () => {
    const wa = fixture("whatsapp-text");
    wa.entry[0].changes[0].value.messages[0].from = "+";
    expect(parseWhatsAppWebhook(wa)).toEqual([expect.objectContaining({ type: "ignored" })]);
  });
});

describe("webhook parser regressions found by fuzzing: names and blank text", () => {
  it("an empty or control-character file name falls back to a readable one", () => {
    const wa = fixture("whatsapp-media");
    const doc = wa.entry[0].changes[0].value.messages.find((m: { type: string }) => m.type === "document");
    doc.document.filename = "";
    const m = (parseWhatsAppWebhook(wa) as SocialMessageEvent[]).find((e) => e.platformMessageId === doc.id)!;
    expect(m.attachments[0]!.filename).toBe("document");
    const meta = fixture("messenger-attachments");
    meta.entry[0].messaging[0].message.attachments[0].payload.url = "https://cdn.example.test/a/%00%0A";
    const [image] = parseMetaWebhook(meta) as SocialMessageEvent[];
    expect(image!.attachments[0]!.filename).toBe("_");
  });

  it("a blank WhatsApp text body is shown as what it was, not as an empty line", () => {
    const wa = fixture("whatsapp-text");
    wa.entry[0].changes[0].value.messages[0].text.body = "\t\n";
    expect((parseWhatsAppWebhook(wa)[0] as SocialMessageEvent).text).toBe("[text]");
  });
});

// Not yet hit by a seed, but in the fuzzers' reach: fast-check's JSON object
// keys include "toString", and String({"toString": 0}) throws a TypeError
// (no callable toString, and valueOf gives no primitive).
describe("webhook parser regressions found by fuzzing: values String() cannot convert", () => {
  const unconvertible = () => ({ toString: 0 });

  it("a WhatsApp change whose field is {\"toString\": 0} is ignored, not a TypeError", () => {
    const wa = fixture("whatsapp-text");
    wa.entry[0].changes[0].field = unconvertible();
    const events = parseWhatsAppWebhook(wa);
    expect(events).toEqual([expect.objectContaining({ type: "ignored", reason: 'field {"toString":0} is not stored' })]);
    for (const e of events) expectValidEvent(e, ["whatsapp"]);
  });

  it("a failed WhatsApp status whose error code is {\"toString\": 0} keeps its reason", () => {
    const wa = fixture("whatsapp-status-failed");
    wa.entry[0].changes[0].value.statuses[0].errors[0].code = unconvertible();
    const [s] = parseWhatsAppWebhook(wa);
    expect(s).toMatchObject({ type: "status", status: "failed", error: expect.stringMatching(/^\(#\{"toString":0\}\) Re-engagement message/) });
    expectValidEvent(s!, ["whatsapp"]);
  });

  it("a Messenger edit whose num_edit is {\"toString\": 0} is an edit without the count, not a TypeError", () => {
    const body = fixture("messenger-edit");
    body.entry[0].messaging[0].message_edit.num_edit = unconvertible();
    const [e] = parseMetaWebhook(body);
    expect(e).toMatchObject({ type: "edit", meta: {} });
    expectValidEvent(e!, ["messenger"]);
  });

  it("an X direct message event whose type is {\"toString\": 0} is ignored, not a TypeError", () => {
    const x = fixture("x-dm");
    x.direct_message_events[0].type = unconvertible();
    const events = parseXWebhook(x);
    expect(events[0]).toMatchObject({ type: "ignored", reason: 'direct message event {"toString":0}' });
    for (const e of events) expectValidEvent(e, ["x"]);
  });
});
