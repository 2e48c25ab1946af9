// Importing another helpdesk's export on a real database: the fixture exports
// of Zendesk and Chatwoot go in through the domain services, and a customer's
// timeline read afterwards shows their conversations as they happened —
// messages in order at their original times, private comments as internal
// notes, statuses as the platform had them. A second run adds nothing; live
// automation (rules, SLA, surveys, outbound sends) never hears of it; a bad
// export stores nothing and says where it is bad; the CLI prints the summary.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { findImportInbox } from "@/server/import/inbox";
import { loadExport } from "@/server/import/load";
import { ImportFormatError, type ImportBundle } from "@/server/import/model";
import { runImport, type ImportSummary } from "@/server/import/run";
import { sweepUnqueued } from "@/server/outbox/worker";
import { listTimeline, type TimelineItem } from "@/server/timeline/query";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const ZENDESK = path.join(ROOT, "tests/fixtures/import/zendesk");
const CHATWOOT = path.join(ROOT, "tests/fixtures/import/chatwoot");
const NOW = new Date("2026-01-01T00:00:00Z");

let t: TestDatabase;
let jordanId: string;

beforeAll(async () => {
  t = await useTestDatabase();
  // The timeline shows email HTML with its remote images behind signed proxy links.
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  // The one agent of both exports who is a Throughline user (matched by email).
  jordanId = (await db.user.create({ data: { email: "jordan.miller@acme-support.test", name: "Jordan Miller", role: "supervisor" }, select: { id: true } })).id;
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

/** Runs an import and returns its summary with every domain event published meanwhile. */
async function importBundle(bundle: ImportBundle, opts: { dryRun?: boolean; inbox?: string } = {}): Promise<{ summary: ImportSummary; events: DomainEvent[] }> {
  const events: DomainEvent[] = [];
  const off = bus.on((e) => void events.push(e));
  try {
    const inbox = await findImportInbox(bundle.source, opts.inbox, { create: !opts.dryRun });
    return { summary: await runImport(bundle, { inbox, dryRun: opts.dryRun }), events };
  } finally {
    off();
  }
}

async function customerOf(email: string): Promise<string> {
  const identity = await db.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "email", value: email } }, select: { customerId: true } });
  return identity.customerId;
}

/** The customer's whole timeline, oldest first, through the timeline read service. */
async function timelineOf(customerId: string): Promise<TimelineItem[]> {
  const page = await listTimeline({ customerId, limit: 200 });
  expect(page.nextCursor).toBeNull();
  return [...page.items].reverse();
}

const counts = async () => ({
  customers: await db.customer.count(),
  identities: await db.customerIdentity.count(),
  conversations: await db.conversation.count(),
  messages: await db.message.count(),
  events: await db.timelineEvent.count(),
});

const reasons = (s: ImportSummary) => s.skipped.map((x) => `${x.record}:${x.reason}:${x.id}`).sort();

describe("import from Zendesk", () => {
  let first: { summary: ImportSummary; events: DomainEvent[] };

  beforeAll(async () => {
    first = await importBundle(await loadExport("zendesk", ZENDESK, NOW));
  });

  it("imports the fixture's customers, tickets, comments and notes, and says what it skipped and why", () => {
    const s = first.summary;
    expect(s.customers).toEqual({ imported: 10, matched: 0 });
    expect(s.conversations).toEqual({ imported: 11, updated: 0 });
    expect(s.messages).toEqual({ imported: 23, notes: 3 });
    expect(s.failed).toBe(0);
    expect(reasons(s)).toEqual([
      "conversation:missing_requester:zendesk:ticket:5006",
      "conversation:no_identity:zendesk:ticket:5010",
      "customer:no_identity:zendesk:user:1010",
      "message:duplicate:zendesk:comment:70082",
      "message:empty_body:zendesk:comment:70072",
    ]);
    expect(s.warnings).toContain('zendesk:user:1011: invalid email "grace.ho at example.com" left out');
  });

  it("shows a customer's tickets on their timeline: messages in order at their original times, notes internal, the status as Zendesk had it", async () => {
    const hannah = await customerOf("hannah.becker@example.com");
    const items = await timelineOf(hannah);
    const conv = await db.conversation.findFirstOrThrow({ where: { externalThreadKey: "zendesk:ticket:5001" } });
    const ticket = items.filter((i) => i.conversationId === conv.id);
    expect(ticket.map((i) => [i.occurredAt, i.kind, i.actor, i.direction])).toEqual([
      ["2025-03-03T08:12:40.000Z", "message", "customer", "inbound"],
      ["2025-03-03T09:47:05.000Z", "message", "agent", "outbound"],
      ["2025-03-03T09:49:30.000Z", "note", "agent", "outbound"],
      ["2025-03-05T16:02:11.000Z", "message", "customer", "inbound"],
      ["2025-03-05T16:20:00.000Z", "ticket_event", "system", null],
    ]);
    expect(ticket[0]!.text).toContain("glass carafe is cracked");
    // Jordan is a Throughline user: the reply and the note are his.
    expect(ticket[1]).toMatchObject({ actorUserId: jordanId, actorName: "Jordan Miller", deliveryStatus: "sent" });
    expect(ticket[2]).toMatchObject({ kind: "note", actorUserId: jordanId, text: expect.stringContaining("approved by finance") });
    expect(ticket[4]).toMatchObject({ name: "status", text: "Imported from Zendesk as solved", payload: expect.objectContaining({ from: "open", to: "resolved", originalStatus: "solved" }) });
    const noteMessage = await db.message.findFirstOrThrow({ where: { conversationId: conv.id, isNote: true } });
    expect(noteMessage.direction).toBe("outbound");

    expect(conv).toMatchObject({
      status: "resolved",
      priority: "high",
      tags: ["shipping", "damaged_item"],
      assigneeId: jordanId,
      subject: "Order #A-1042 arrived damaged",
      channel: "email",
      createdAt: new Date("2025-03-03T08:12:40Z"),
      lastMessageAt: new Date("2025-03-05T16:02:11Z"),
      firstResponseAt: new Date("2025-03-03T09:47:05Z"),
      resolvedAt: new Date("2025-03-05T16:20:00Z"),
      waitingSince: null,
      // No SLA clock was started for history.
      firstResponseDueAt: null,
      resolutionDueAt: null,
    });
    // She has been a customer since Zendesk first knew her, and was last seen writing in.
    expect(await db.customer.findUniqueOrThrow({ where: { id: hannah }, select: { name: true, createdAt: true, lastSeenAt: true } })).toEqual({
      name: "Hannah Becker",
      createdAt: new Date("2024-11-02T08:14:09Z"),
      lastSeenAt: new Date("2025-05-19T07:00:00Z"),
    });
    // Her second ticket is a conversation of its own, closed, later on the same timeline.
    const second = await db.conversation.findFirstOrThrow({ where: { externalThreadKey: "zendesk:ticket:5012" } });
    expect(second).toMatchObject({ customerId: hannah, status: "closed" });
    expect(items.filter((i) => i.conversationId === second.id).map((i) => i.occurredAt)).toEqual(["2025-05-19T07:00:00.000Z", "2025-05-19T08:30:00.000Z", "2025-05-20T10:02:11.000Z"]);
  });

  it("keeps the name of an agent who is no Throughline user, and stores HTML sanitised", async () => {
    const priya = await timelineOf(await customerOf("priya.natarajan@example.in"));
    const reply = priya.find((i) => i.actor === "agent")!;
    expect(reply).toMatchObject({ actorUserId: null, actorName: null, payload: expect.objectContaining({ authorName: "Fatima Zahra" }) });
    const pending = await db.conversation.findFirstOrThrow({ where: { externalThreadKey: "zendesk:ticket:5003" } });
    expect(pending.status).toBe("pending");

    const marco = await timelineOf(await customerOf("marco.rossi@example.it"));
    const html = await db.message.findUniqueOrThrow({ where: { id: marco[0]!.messageId! }, select: { bodyHtml: true } });
    expect(html.bodyHtml).toContain("<b>\"invalid credentials\"</b>");
    expect(html.bodyHtml).not.toMatch(/script|onerror|javascript/i);
  });

  it("finds a customer without email by phone, and imports an unknown status as open", async () => {
    const phone = await db.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "phone", value: "+351912345678" } }, select: { customerId: true, verified: true, source: true } });
    expect(phone).toMatchObject({ verified: true, source: "import:zendesk" });
    const tomas = await timelineOf(phone.customerId);
    expect(tomas.map((i) => [i.channel, i.actor])).toEqual([
      ["whatsapp", "customer"],
      ["whatsapp", "agent"],
      ["whatsapp", "customer"],
    ]);
    const escalated = await db.conversation.findFirstOrThrow({ where: { externalThreadKey: "zendesk:ticket:5007" } });
    expect(escalated).toMatchObject({ status: "open", priority: "urgent" });
    expect(await db.message.count({ where: { conversationId: escalated.id } })).toBe(2);
  });

  it("sets off no live automation: nothing is published, queued to send, surveyed or timed", async () => {
    expect(first.events).toEqual([]);
    expect(await db.outboxItem.count()).toBe(0);
    expect(await db.survey.count()).toBe(0);
    expect(await db.ruleRun.count()).toBe(0);
    expect(await db.conversation.count({ where: { OR: [{ firstResponseDueAt: { not: null } }, { resolutionDueAt: { not: null } }] } })).toBe(0);
    expect(await db.message.count({ where: { direction: "outbound", deliveryStatus: "queued" } })).toBe(0);
  });

  it("imports nothing on a second run and reports everything as already imported", async () => {
    const before = await counts();
    const again = await importBundle(await loadExport("zendesk", ZENDESK, NOW));
    expect(await counts()).toEqual(before);
    expect(again.events).toEqual([]);
    expect(again.summary.customers).toEqual({ imported: 0, matched: 0 });
    expect(again.summary.conversations).toEqual({ imported: 0, updated: 0 });
    expect(again.summary.messages).toEqual({ imported: 0, notes: 0 });
    const already = again.summary.skipped.filter((x) => x.reason === "already_imported");
    expect(already.filter((x) => x.record === "customer")).toHaveLength(10);
    expect(already.filter((x) => x.record === "conversation")).toHaveLength(11);
    expect(already.filter((x) => x.record === "message")).toHaveLength(26);
  });

  it("adds a comment that appeared since the last run to its conversation, even one closed long ago", async () => {
    const bundle = await loadExport("zendesk", ZENDESK, NOW);
    const ticket = bundle.conversations.find((c) => c.key === "zendesk:ticket:5012")!;
    ticket.entries.push({ ...ticket.entries[1]!, key: "zendesk:comment:79999", text: "Follow-up: the parcel was delivered to the office.", occurredAt: new Date("2025-05-21T09:00:00Z") });
    const { summary } = await importBundle(bundle);
    expect(summary.conversations).toEqual({ imported: 0, updated: 1 });
    expect(summary.messages).toEqual({ imported: 1, notes: 0 });
    const convs = await db.conversation.findMany({ where: { externalThreadKey: "zendesk:ticket:5012" }, select: { status: true, _count: { select: { messages: true } } } });
    // The same conversation, still as Zendesk left it.
    expect(convs).toEqual([{ status: "closed", _count: { messages: 3 } }]);
  });
});

describe("import from Chatwoot", () => {
  it("in a dry run reports what it would import and stores nothing", async () => {
    const before = await counts();
    const { summary, events } = await importBundle(await loadExport("chatwoot", CHATWOOT, NOW), { dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, customers: { imported: 7, matched: 1 }, conversations: { imported: 10, updated: 0 }, messages: { imported: 20, notes: 2 } });
    expect(await counts()).toEqual(before);
    expect(await db.inbox.count({ where: { publicId: "import:chatwoot" } })).toBe(0);
    expect(events).toEqual([]);
  });

  it("imports contacts and conversations; a contact known from Zendesk is the same customer, with both platforms on one timeline", async () => {
    const { summary, events } = await importBundle(await loadExport("chatwoot", CHATWOOT, NOW));
    expect(summary.customers).toEqual({ imported: 7, matched: 1 });
    expect(summary.conversations).toEqual({ imported: 10, updated: 0 });
    expect(summary.messages).toEqual({ imported: 20, notes: 2 });
    expect(reasons(summary)).toEqual([
      "conversation:missing_requester:chatwoot:conversation:48",
      "conversation:no_identity:chatwoot:conversation:44",
      "customer:no_identity:chatwoot:contact:304",
      "message:activity:chatwoot:message:4104",
      "message:duplicate:chatwoot:message:4703",
      "message:empty_body:chatwoot:message:4702",
    ]);
    expect(events).toEqual([]);

    const hannah = await customerOf("hannah.becker@example.com");
    const items = await timelineOf(hannah);
    const chat = await db.conversation.findFirstOrThrow({ where: { externalThreadKey: "chatwoot:conversation:46" }, include: { inbox: true } });
    expect(chat).toMatchObject({ customerId: hannah, status: "resolved", channel: "chat", tags: ["returns"], assigneeId: jordanId, inbox: { name: "Chatwoot import" } });
    expect(items.filter((i) => i.conversationId === chat.id).map((i) => [i.occurredAt, i.kind, i.actor])).toEqual([
      ["2025-04-01T07:00:00.000Z", "message", "customer"],
      ["2025-04-01T07:05:00.000Z", "note", "agent"],
      ["2025-04-01T07:10:00.000Z", "message", "agent"],
      ["2025-04-01T07:30:00.000Z", "ticket_event", "system"],
    ]);
    // Zendesk's March ticket, then the April chat, then Zendesk's May ticket.
    const order = items.filter((i) => i.kind === "message").map((i) => i.conversationId);
    const convKey = new Map((await db.conversation.findMany({ where: { customerId: hannah }, select: { id: true, externalThreadKey: true } })).map((c) => [c.id, c.externalThreadKey]));
    expect([...new Set(order.map((id) => convKey.get(id!)))]).toEqual(["zendesk:ticket:5001", "chatwoot:conversation:46", "zendesk:ticket:5012"]);
  });

  it("keeps a future snooze, an email's subject and HTML, and a bot's messages as the system's", async () => {
    const snoozed = await db.conversation.findFirstOrThrow({ where: { externalThreadKey: "chatwoot:conversation:45" } });
    expect(snoozed).toMatchObject({ status: "snoozed", snoozedUntil: new Date(4102444800 * 1000), priority: "low" });
    const email = await db.conversation.findFirstOrThrow({ where: { externalThreadKey: "chatwoot:conversation:42" }, include: { messages: { orderBy: { createdAt: "asc" } } } });
    expect(email).toMatchObject({ subject: "Cancel subscription", channel: "email", status: "open", priority: "high" });
    expect(email.messages[0]!.bodyHtml).toContain("<b>end of this billing period</b>");
    expect(email.messages[0]!.bodyHtml).not.toMatch(/iframe|evil/);
    expect(email.messages[1]).toMatchObject({ isNote: true, authorId: jordanId });
    const mei = await db.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "phone", value: "+886912345678" } }, select: { customerId: true } });
    expect((await timelineOf(mei.customerId)).map((i) => [i.actor, i.payload])).toEqual([
      ["customer", expect.objectContaining({ imported: { source: "chatwoot", key: "chatwoot:message:4301" } })],
      ["system", expect.objectContaining({ authorName: "Acme Assistant" })],
    ]);
  });

  it("is idempotent too", async () => {
    const before = await counts();
    const { summary } = await importBundle(await loadExport("chatwoot", CHATWOOT, NOW));
    expect(await counts()).toEqual(before);
    expect(summary).toMatchObject({ customers: { imported: 0 }, conversations: { imported: 0, updated: 0 }, messages: { imported: 0, notes: 0 } });
  });
});

describe("what live automation could pick up later", () => {
  it("leaves an hour-old imported agent reply alone: the outbox sweep does not send it", async () => {
    const at = new Date(Date.now() - 60 * 60_000);
    const bundle: ImportBundle = {
      source: "zendesk",
      customers: [{ key: "zendesk:user:1", name: "Recent Customer", identities: [{ kind: "email", value: "recent@example.com" }], createdAt: null }],
      conversations: [
        {
          key: "zendesk:ticket:1",
          customerKey: "zendesk:user:1",
          channel: "email",
          subject: "Recent",
          status: "open",
          originalStatus: "open",
          snoozedUntil: null,
          priority: "normal",
          tags: [],
          assignee: null,
          createdAt: at,
          updatedAt: at,
          entries: [
            { key: "zendesk:comment:1", kind: "message", direction: "inbound", author: { role: "customer", name: "Recent Customer", email: "recent@example.com" }, text: "Hello", html: null, occurredAt: at, meta: {} },
            { key: "zendesk:comment:2", kind: "message", direction: "outbound", author: { role: "agent", name: "Jordan Miller", email: "jordan.miller@acme-support.test" }, text: "Hi!", html: null, occurredAt: new Date(at.getTime() + 1000), meta: {} },
          ],
        },
      ],
      skipped: [],
      warnings: [],
    };
    const { summary, events } = await importBundle(bundle);
    expect(summary.messages.imported).toBe(2);
    expect(events).toEqual([]);
    expect(await sweepUnqueued({ graceMs: 0 })).toBe(0);
    expect(await db.outboxItem.count()).toBe(0);
  });
});

describe("a record that cannot be stored", () => {
  it("is rolled back whole and reported as failed; the others are stored", async () => {
    const at = new Date("2025-02-01T10:00:00Z");
    const conversation = (id: string, extra: Partial<ImportBundle["conversations"][number]>): ImportBundle["conversations"][number] => ({
      key: `chatwoot:conversation:${id}`,
      customerKey: "chatwoot:contact:900",
      channel: "chat",
      subject: null,
      status: "open",
      originalStatus: "open",
      snoozedUntil: null,
      priority: "normal",
      tags: [],
      assignee: null,
      createdAt: at,
      updatedAt: at,
      entries: [{ key: `chatwoot:message:${id}1`, kind: "message", direction: "inbound", author: { role: "customer", name: "Ada", email: null }, text: `Hello ${id}`, html: null, occurredAt: at, meta: {} }],
      ...extra,
    });
    const { summary } = await importBundle({
      source: "chatwoot",
      customers: [{ key: "chatwoot:contact:900", name: "Ada", identities: [{ kind: "email", value: "ada.failed@example.com" }], createdAt: null }],
      // A snooze without its end is refused by the ticket change, after the message was written in the same transaction.
      conversations: [conversation("901", { status: "snoozed", originalStatus: "snoozed" }), conversation("902", {})],
      skipped: [],
      warnings: [],
    });
    expect(summary.failed).toBe(1);
    expect(summary.skipped).toEqual([{ record: "conversation", reason: "failed", id: "chatwoot:conversation:901", detail: expect.stringContaining("Snoozing needs a date") }]);
    expect(summary.conversations.imported).toBe(1);
    expect(await db.conversation.count({ where: { externalThreadKey: "chatwoot:conversation:901" } })).toBe(0);
    expect(await db.timelineEvent.count({ where: { dedupeKey: "chatwoot:message:9011" } })).toBe(0);
    expect(await db.timelineEvent.count({ where: { dedupeKey: "chatwoot:message:9021" } })).toBe(1);
  });
});

describe("a bad export", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "throughline-import-"));
    const lines = readFileSync(path.join(ZENDESK, "tickets.json"), "utf8").split("\n");
    lines.splice(4, 1, lines[4]!.slice(0, 80));
    writeFileSync(path.join(dir, "tickets.json"), lines.join("\n"));
    writeFileSync(path.join(dir, "users.json"), readFileSync(path.join(ZENDESK, "users.json")));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fails naming the file and line, before anything is stored", async () => {
    await expect(loadExport("zendesk", dir)).rejects.toThrow(ImportFormatError);
    await expect(loadExport("zendesk", dir)).rejects.toThrow(/^tickets\.json line 5: invalid JSON/);
    await expect(loadExport("chatwoot", path.join(dir, "nowhere"))).rejects.toThrow(/no such file or directory/);
  });
});

describe("npm run import (the CLI)", () => {
  let cli: TestDatabase;
  beforeAll(async () => {
    cli = await createTestDatabase();
  });
  afterAll(async () => {
    await cli.drop();
  });

  const run = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "scripts/import.ts", ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: cli.url, CI: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  it("imports the Zendesk fixture and prints the summary, then finds it all already imported", async () => {
    const first = await run("--from", "zendesk", ZENDESK);
    expect(first.stderr).toContain("import: conversations 11/11");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('import from Zendesk into inbox "Zendesk import"');
    expect(first.stdout).toMatch(/^ {2}customers +10 +1$/m);
    expect(first.stdout).toMatch(/^ {2}conversations +11 +2$/m);
    expect(first.stdout).toMatch(/^ {2}messages +23 +2$/m);
    expect(first.stdout).toMatch(/^ {2}internal notes +3$/m);
    expect(first.stdout).toMatch(/^ {2}conversation +missing requester +1$/m);
    expect(first.stdout).toMatch(/^ {2}message +duplicate +1$/m);
    expect(first.stdout).toMatch(/^ {2}message +empty body +1$/m);
    expect(first.stdout).toContain('zendesk:ticket:5007: unknown status "escalated", imported as open');
    expect(await cli.prisma.conversation.count()).toBe(11);

    const again = await run("--from", "zendesk", ZENDESK);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^ {2}conversations +0 +13$/m);
    expect(again.stdout).toMatch(/^ {2}conversation +already imported +11$/m);
    expect(again.stdout).toMatch(/^ {2}message +already imported +26$/m);
    expect(await cli.prisma.conversation.count()).toBe(11);
  });

  it("exits non-zero with a clear message on a bad export or bad arguments", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "throughline-import-cli-"));
    try {
      writeFileSync(path.join(dir, "conversations.json"), '{"data": {"payload": [ {"id": 1,');
      const bad = await run("--from", "chatwoot", dir);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("import: conversations.json: invalid JSON");
      expect(bad.stdout).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const usage = await run("--from", "freshdesk", ZENDESK);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--from must be one of zendesk, chatwoot");
    const noInbox = await run("--from", "chatwoot", CHATWOOT, "--inbox", "Nope");
    expect(noInbox.code).toBe(1);
    expect(noInbox.stderr).toContain('import: no inbox named "Nope"');
  });
});
