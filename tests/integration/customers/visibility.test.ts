// Customers are scoped to teams like their conversations: an agent sees a
// customer with a conversation in one of their teams' inboxes, or with no
// conversation at all; a customer whose conversations are all in other teams'
// inboxes does not exist for them — every procedure answers exactly as for an
// id never used, lists and search leave it out, and nothing names it
// (duplicate suggestions, merge partners). Supervisors and admins see all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs, outcomeOf, viewerByEmail } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import type { Viewer } from "@/server/auth/viewer";
import { seedDemo } from "@/server/seed/demo";
import { recordTouchpoint, type TouchpointInput } from "@/server/ingest/record";
import { productEventTouchpoint } from "@/server/timeline/product-events";
import { mergeCustomers } from "@/server/customers/merge";

let t: TestDatabase;
let agent: Viewer; // Sam: Support only
let supervisor: Viewer;
let supportInbox: string;
let billingInbox: string;
const tag = randomUUID().slice(0, 8);
const fixture = {} as Record<"billingOnly" | "shared" | "lead" | "lookalike", { id: string; email: string; name: string }>;
let billingConv: string;

const viewer = viewerByEmail;
const as = callerAs;
/** The error a call ends in, as the client sees it (code and message), or "OK". */
const outcome = (p: Promise<unknown>) => outcomeOf(p, true);

function email(inboxId: string, from: string, name: string, subject: string, extra: TouchpointInput["identities"] = []): TouchpointInput {
  const id = `${randomUUID()}@example.test`;
  return {
    identities: [{ kind: "email", value: from, verified: true, source: "email_from" }, ...extra],
    customerName: name,
    channel: "email",
    kind: "message",
    actor: "customer",
    text: subject,
    conversation: { inboxId, externalThreadKey: `<${id}>`, subject },
    message: { direction: "inbound", bodyText: subject, platformMessageId: id, subject },
  };
}

beforeAll(async () => {
  t = await useTestDatabase();
  await seedDemo(t.prisma, { customers: 8, events: 200 });
  agent = await viewer("agent@throughline.test");
  supervisor = await viewer("supervisor@throughline.test");
  supportInbox = (await db.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } })).id;
  billingInbox = (await db.inbox.findUniqueOrThrow({ where: { publicId: "billing@throughline.test" } })).id;
  expect(agent.teamIds.length).toBeGreaterThan(0);

  const person = (key: string) => ({ email: `${key}-${tag}@example.test`, name: `Zelda ${key} ${tag}` });
  const billingOnly = person("billingonly");
  const b = await recordTouchpoint(email(billingInbox, billingOnly.email, billingOnly.name, "Invoice 42 is wrong"));
  fixture.billingOnly = { id: b.customerId, ...billingOnly };
  billingConv = b.conversationId!;

  const shared = person("shared");
  const s1 = await recordTouchpoint(email(supportInbox, shared.email, shared.name, "Login trouble"));
  await recordTouchpoint(email(billingInbox, shared.email, shared.name, "Refund please"));
  fixture.shared = { id: s1.customerId, ...shared };

  // Known only from the product: no conversation anywhere.
  const lead = person("lead");
  const l = await recordTouchpoint(productEventTouchpoint({ customer: { email: lead.email, name: lead.name }, name: "signed_up", source: "test" }));
  fixture.lead = { id: l.customerId, ...lead };

  // A Support customer whose external id is the Billing-only customer's email: a duplicate suggestion.
  const lookalike = person("lookalike");
  const k = await recordTouchpoint(email(supportInbox, lookalike.email, lookalike.name, "Same person?", [{ kind: "external_id", value: billingOnly.email, verified: true, source: "test" }]));
  fixture.lookalike = { id: k.customerId, ...lookalike };
}, 120_000);

afterAll(async () => {
  await disconnectDb();
  await t?.drop();
});

describe("a customer whose conversations are all in other teams' inboxes", () => {
  it("answers every customer procedure exactly as an id never used", async () => {
    const api = as(agent);
    const probe = (id: string) => [
      api.customer.get({ id }),
      api.customer.insights({ id }),
      api.customer.timeline({ customerId: id }),
      api.customer.merges({ id }),
      api.journey.map({ customerId: id }),
      api.journey.setStage({ customerId: id, stage: "advocacy" }),
      api.journey.clearOverride({ customerId: id }),
      api.journey.friction({ customerId: id }),
      api.conversation.create({ customerId: id, inboxId: supportInbox, subject: "Hello" }),
    ];
    const never = await Promise.all(probe(randomUUID()).map(outcome));
    const hidden = await Promise.all(probe(fixture.billingOnly.id).map(outcome));
    expect(never.every((o) => o === "NOT_FOUND: No such customer.")).toBe(true);
    expect(hidden).toEqual(never);
    // Nothing was written on the way.
    expect(await db.conversation.count({ where: { customerId: fixture.billingOnly.id } })).toBe(1);
    expect((await db.customer.findUniqueOrThrow({ where: { id: fixture.billingOnly.id } })).journeyStageSetBy).toBeNull();
    // Nor can the friction of its conversation be read by conversation id.
    expect(await outcome(api.journey.friction({ conversationId: billingConv }))).toBe(await outcome(api.journey.friction({ conversationId: randomUUID() })));
  });

  it("is left out of the directory, its pages and search; a supervisor finds it", async () => {
    const inList = async (v: Viewer, search?: string) => (await as(v).customer.list({ search, limit: 100 })).items.some((c) => c.id === fixture.billingOnly.id);
    expect(await inList(agent, fixture.billingOnly.name)).toBe(false);
    expect(await inList(agent, fixture.billingOnly.email)).toBe(false);
    expect(await inList(supervisor, fixture.billingOnly.name)).toBe(true);
    // Paging the whole directory never reaches it, and reaches every visible fixture.
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await as(agent).customer.list({ cursor, limit: 5 });
      page.items.forEach((c) => seen.add(c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.has(fixture.billingOnly.id)).toBe(false);
    for (const key of ["shared", "lead", "lookalike"] as const) expect(seen.has(fixture[key].id), key).toBe(true);
    const found = await as(agent).search.global({ query: fixture.billingOnly.email });
    expect(found.customers.map((c) => c.id)).not.toContain(fixture.billingOnly.id);
    expect((await as(supervisor).search.global({ query: fixture.billingOnly.email })).customers.map((c) => c.id)).toContain(fixture.billingOnly.id);
    // Nor do its messages surface in full-text search.
    expect((await as(agent).search.global({ query: "Invoice 42 is wrong" })).messages.map((m) => m.customerId)).not.toContain(fixture.billingOnly.id);
    expect((await as(supervisor).search.global({ query: "Invoice 42 is wrong" })).messages.map((m) => m.customerId)).toContain(fixture.billingOnly.id);
    expect(await outcome(as(supervisor).customer.get({ id: fixture.billingOnly.id }))).toBe("OK");
  });

  it("is not named to the agent as a duplicate suggestion; the supervisor sees the suggestion", async () => {
    const ofAgent = await as(agent).customer.insights({ id: fixture.lookalike.id });
    const ofSupervisor = await as(supervisor).customer.insights({ id: fixture.lookalike.id });
    expect(ofSupervisor.duplicates.map((d) => d.customerId)).toContain(fixture.billingOnly.id);
    expect(ofAgent.duplicates.map((d) => d.customerId)).not.toContain(fixture.billingOnly.id);
  });

  it("a customer merged into it is judged by it: hidden too", async () => {
    const source = await recordTouchpoint(productEventTouchpoint({ customer: { email: `merged-${tag}@example.test`, name: `Merged ${tag}` }, name: "visited", source: "test" }));
    expect(await outcome(as(agent).customer.get({ id: source.customerId }))).toBe("OK");
    await mergeCustomers({ sourceId: source.customerId, targetId: fixture.billingOnly.id });
    expect(await outcome(as(agent).customer.get({ id: source.customerId }))).toBe("NOT_FOUND: No such customer.");
    expect(await outcome(as(supervisor).customer.get({ id: source.customerId }))).toBe("OK");
  });
});

describe("customers the agent may see", () => {
  it("one with a conversation in their team's inbox and another team's: visible, with only their conversations counted", async () => {
    const profile = await as(agent).customer.get({ id: fixture.shared.id });
    expect(profile.conversations).toHaveLength(1);
    const row = (await as(agent).customer.list({ search: fixture.shared.email })).items.find((c) => c.id === fixture.shared.id);
    const rowForSupervisor = (await as(supervisor).customer.list({ search: fixture.shared.email })).items.find((c) => c.id === fixture.shared.id);
    expect(row?.openConversations).toBe(1);
    expect(rowForSupervisor?.openConversations).toBe(2);
    const timeline = await as(agent).customer.timeline({ customerId: fixture.shared.id });
    expect(timeline.items.map((i) => i.text)).toContain("Login trouble");
    expect(timeline.items.map((i) => i.text)).not.toContain("Refund please");
  });

  it("a directory cursor that is not one of ours is the caller's error (BAD_REQUEST), not a server fault", async () => {
    for (const cursor of ["not-a-cursor", Buffer.from('{"a":1}').toString("base64url"), Buffer.from('["x","not-a-uuid"]').toString("base64url")]) {
      expect(await outcomeOf(as(agent).customer.list({ cursor }), true)).toBe("BAD_REQUEST: invalid cursor");
    }
  });

  it("one with no conversation at all (known from product events): visible, and a conversation can be started", async () => {
    const profile = await as(agent).customer.get({ id: fixture.lead.id });
    expect(profile.name).toBe(fixture.lead.name);
    expect((await as(agent).customer.list({ search: fixture.lead.name })).items.map((c) => c.id)).toContain(fixture.lead.id);
    const started = await as(agent).conversation.create({ customerId: fixture.lead.id, inboxId: supportInbox, subject: "Welcome aboard" });
    expect(await db.conversation.findUniqueOrThrow({ where: { id: started.conversationId } })).toMatchObject({ customerId: fixture.lead.id, inboxId: supportInbox });
    // Now in Support, still visible.
    expect(await outcome(as(agent).customer.get({ id: fixture.lead.id }))).toBe("OK");
  });
});
