// Agent replies by email, in-process against a test database: sendReply →
// outbox → worker → the email sender → a local SMTP sink standing in for the
// relay. Retries, failures, the missing-relay outbox, the sweep, exactly-once
// with two workers, and bounces marking a sent message failed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../../helpers/db";
import { freePort } from "../../../../src/server/db/embedded.ts";
import { startSmtpSink, type SmtpSink } from "../../../fixtures/email/smtp-sink";
import { createSupportTeam } from "../../../fixtures/email/support-team";
import { bus, type DomainEvent } from "@/server/events/bus";
import { ingestEmail } from "@/server/channels/email/inbound";
import type { EmailInbox } from "@/server/channels/email/inboxes";
import { createEmailSender, NO_RELAY } from "@/server/channels/email/send";
import { sendReply } from "@/server/conversations/reply";
import { recordTouchpoint } from "@/server/ingest/record";
import { listOutbox, registerSender, retryOutboxItem, sweepUnqueued, type OutboxOptions } from "@/server/outbox/outbox";
import type { JobRunner } from "@/server/jobs/runner";
import { startTestJobRunner } from "../../../helpers/jobs";

let t: TestDatabase;
let sink: SmtpSink;
let inbox: EmailInbox;
let agentId: string;
const workers: JobRunner[] = [];
const unregister: (() => void)[] = [];
let seq = 0;

beforeAll(async () => {
  t = await useTestDatabase();
  sink = await startSmtpSink();
  ({ inbox, agentId } = await createSupportTeam(t.prisma));
});

afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
  for (const u of unregister.splice(0)) u();
  sink.answer = () => null;
});

afterAll(async () => {
  await sink?.stop();
  await t?.drop();
});

function useSender(relayUrl: string | null) {
  unregister.push(registerSender("email", createEmailSender({ relayUrl })));
}

/** A job runner sending the outbox (no periodic sweep, no event consumers), as a process would. */
async function worker(opts: OutboxOptions = {}) {
  const w = await startTestJobRunner({ events: false, tasks: [], outbox: { log: () => undefined, ...opts } });
  workers.push(w);
  return w;
}

async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** A customer writes in; returns the conversation. */
async function customerWrites(opts: { from?: string; subject?: string; messageId?: string; inReplyTo?: string; body?: string } = {}) {
  seq += 1;
  const messageId = opts.messageId ?? `<c${seq}-${Date.now()}@customer.test>`;
  const raw = Buffer.from(
    [
      `From: Ann Example <${opts.from ?? "ann@customer.test"}>`,
      "To: Support <support@throughline.test>",
      `Subject: ${opts.subject ?? `Question ${seq}`}`,
      `Message-ID: ${messageId}`,
      ...(opts.inReplyTo ? [`In-Reply-To: ${opts.inReplyTo}`, `References: ${opts.inReplyTo}`] : []),
      "Content-Type: text/plain; charset=utf-8",
      "",
      opts.body ?? "Hello, I need help.",
      "",
    ].join("\r\n"),
  );
  const r = await ingestEmail({ inbox, raw, receivedVia: "smtp" });
  return { ...r, messageIdHeader: messageId };
}

describe("agent replies by email", () => {
  it("reach the relay as a threaded reply with our stored Message-ID", async () => {
    const events: DomainEvent[] = [];
    const off = bus.on((e) => void events.push(e));
    const first = await customerWrites({ subject: "Cannot log in", body: "I cannot log in." });
    const conv = await t.prisma.conversation.findUniqueOrThrow({ where: { id: first.conversationId! } });

    const reply = await sendReply({ conversationId: conv.id, authorId: agentId, bodyText: "Please try again now.\nIt should work.", cc: ["Boss@Customer.test"] });
    const stored = await t.prisma.message.findUniqueOrThrow({ where: { id: reply.messageId } });
    // Stored before sent: queued, with our Message-ID already assigned.
    expect(stored.deliveryStatus).toBe("queued");
    expect(stored.platformMessageId).toMatch(/^<[0-9a-f-]{36}@throughline\.test>$/);
    expect(await t.prisma.outboxItem.count({ where: { messageId: reply.messageId } })).toBe(1);

    const before = sink.messages.length;
    useSender(sink.url);
    await worker();
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    const p = mail!.parsed;
    expect(p.messageId).toBe(stored.platformMessageId);
    expect(p.inReplyTo).toBe(first.messageIdHeader);
    expect([p.references].flat()).toContain(first.messageIdHeader);
    expect(p.from!.value[0]).toEqual({ address: "support@throughline.test", name: "Support" });
    expect((Array.isArray(p.to) ? p.to[0] : p.to)!.value[0]!.address).toBe("ann@customer.test");
    expect((Array.isArray(p.cc) ? p.cc[0] : p.cc)!.value[0]!.address).toBe("boss@customer.test");
    expect(p.subject).toBe(`Re: Cannot log in [#${conv.number}]`);
    expect(p.text).toContain("Please try again now.");
    expect(p.html).toContain("Please try again now.<br>It should work.");
    expect(p.headers.get("thread-index")).toBeTruthy();
    expect(mail!.rcptTo.sort()).toEqual(["ann@customer.test", "boss@customer.test"]);

    const sent = await until(async () => {
      const m = await t.prisma.message.findUniqueOrThrow({ where: { id: reply.messageId } });
      return m.deliveryStatus === "sent" ? m : null;
    });
    expect(sent.sentAt).toBeInstanceOf(Date);
    expect(sent.platformMessageId).toBe(stored.platformMessageId);
    expect((await t.prisma.outboxItem.findUniqueOrThrow({ where: { messageId: reply.messageId } })).status).toBe("sent");
    await until(async () => events.some((e) => e.type === "message.status" && e.messageId === reply.messageId && e.status === "sent"));
    // The console's copy of the message updates live.
    await until(async () =>
      events.some((e) => e.type === "timeline.updated" && e.eventId === reply.eventId && (e.item as { deliveryStatus?: string } | undefined)?.deliveryStatus === "sent"),
    );
    off();

    // The customer answers our mail (a different subject, only In-Reply-To): same conversation.
    const answer = await customerWrites({ subject: "Thanks!", inReplyTo: stored.platformMessageId! });
    expect(answer.conversationId).toBe(conv.id);
    expect(answer.thread).toMatchObject({ matchedBy: "references" });
  });

  it("never sends internal notes", async () => {
    const c = await customerWrites();
    const note = await sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: "Customer is a VIP", isNote: true });
    const m = await t.prisma.message.findUniqueOrThrow({ where: { id: note.messageId } });
    expect(m.isNote).toBe(true);
    expect(m.platformMessageId).toBeNull();
    expect(await t.prisma.outboxItem.count({ where: { messageId: note.messageId } })).toBe(0);
  });

  it("refuses empty replies and unknown conversations", async () => {
    const c = await customerWrites();
    await expect(sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: "   " })).rejects.toThrow(/empty/);
    await expect(sendReply({ conversationId: "0190f0f0-0000-7000-8000-000000000000", authorId: agentId, bodyText: "hi" })).rejects.toThrow(/unknown conversation/);
    await expect(sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: "hi", cc: ["not an address"] })).rejects.toThrow(/Cc/);
  });

  it("is sent once per clientMessageId (double submit)", async () => {
    const c = await customerWrites();
    const a = await sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: "Once", clientMessageId: "k1" });
    const b = await sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: "Once", clientMessageId: "k1" });
    expect(b.messageId).toBe(a.messageId);
    expect(b.created).toBe(false);
    expect(await t.prisma.outboxItem.count({ where: { messageId: a.messageId } })).toBe(1);
    await t.prisma.outboxItem.deleteMany({ where: { messageId: a.messageId } });
    await t.prisma.message.update({ where: { id: a.messageId }, data: { deliveryStatus: "sent" } });
  });
});

describe("relay trouble", () => {
  it("retries a 451 and then shows a 550 as failed with the reason", async () => {
    const c = await customerWrites();
    const events: DomainEvent[] = [];
    const off = bus.on((e) => void events.push(e));
    sink.attempts = 0;
    sink.answer = (n) => (n === 1 ? { code: 451, message: "4.3.0 Try again later" } : { code: 550, message: "5.1.1 Mailbox unavailable" });
    const r = await sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: "Will this arrive?" });
    useSender(sink.url);
    await worker({ backoffMs: [100] });
    const failed = await until(async () => {
      const m = await t.prisma.message.findUniqueOrThrow({ where: { id: r.messageId } });
      return m.deliveryStatus === "failed" ? m : null;
    });
    expect(failed.deliveryError).toMatch(/550.*Mailbox unavailable/);
    const item = await t.prisma.outboxItem.findUniqueOrThrow({ where: { messageId: r.messageId } });
    expect(item).toMatchObject({ status: "failed", attempts: 2 });
    const statuses = events.filter((e) => e.type === "message.status" && e.messageId === r.messageId).map((e) => (e.type === "message.status" ? [e.status, e.error] : []));
    expect(statuses[0]![0]).toBe("queued");
    expect(statuses[0]![1]).toMatch(/451.*retrying/);
    expect(statuses.at(-1)![0]).toBe("failed");
    off();
  });

  it("retries an unreachable relay with backoff, then fails", async () => {
    const c = await customerWrites();
    const closed = await freePort();
    const r = await sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: "Nobody listens" });
    useSender(`smtp://127.0.0.1:${closed}`);
    await worker({ backoffMs: [50, 100], maxAttempts: 3 });
    const failed = await until(async () => {
      const m = await t.prisma.message.findUniqueOrThrow({ where: { id: r.messageId } });
      return m.deliveryStatus === "failed" ? m : null;
    });
    expect(failed.deliveryError).toMatch(/Relay unreachable.*gave up after 3 attempts/);
    expect((await t.prisma.outboxItem.findUniqueOrThrow({ where: { messageId: r.messageId } })).attempts).toBe(3);
  });

  it("without a relay keeps the message queued in the outbox, visible to admins, until one is configured", async () => {
    const c = await customerWrites();
    const r = await sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: "Waiting for a relay" });
    useSender(null);
    await worker();
    const item = await until(async () => {
      const i = await t.prisma.outboxItem.findUniqueOrThrow({ where: { messageId: r.messageId } });
      return i.lastError ? i : null;
    });
    expect(item).toMatchObject({ status: "pending", attempts: 0, lastError: NO_RELAY });
    const m = await t.prisma.message.findUniqueOrThrow({ where: { id: r.messageId } });
    expect(m.deliveryStatus).toBe("queued");
    const listed = (await listOutbox({ status: "pending" })).find((i) => i.messageId === r.messageId);
    expect(listed).toMatchObject({ lastError: NO_RELAY, channel: "email", deliveryStatus: "queued", conversationId: c.conversationId });

    // The admin configures a relay and retries: it goes out.
    for (const w of workers.splice(0)) await w.stop();
    const before = sink.messages.length;
    useSender(sink.url);
    await worker();
    expect(await retryOutboxItem(item.id)).toBe(true);
    await sink.waitFor(before + 1);
    await until(async () => (await t.prisma.message.findUniqueOrThrow({ where: { id: r.messageId } })).deliveryStatus === "sent");
  });
});

describe("outbox guarantees", () => {
  it("sweeps queued outbound messages that never got an outbox item", async () => {
    const c = await customerWrites();
    // As if the process died between storing the reply and enqueueing it.
    const r = await recordTouchpoint({
      conversation: { id: c.conversationId!, inboxId: inbox.id },
      channel: "email",
      kind: "message",
      actor: "agent",
      actorUserId: agentId,
      text: "Lost in a crash?",
      message: { direction: "outbound", bodyText: "Lost in a crash?", authorId: agentId, platformMessageId: `<swept-${Date.now()}@throughline.test>` },
    });
    expect(await t.prisma.outboxItem.count({ where: { messageId: r.messageId! } })).toBe(0);
    expect(await sweepUnqueued({ graceMs: 0 })).toBeGreaterThanOrEqual(1);
    const before = sink.messages.length;
    useSender(sink.url);
    await worker();
    const got = await sink.waitFor(before + 1);
    expect(got.some((m) => m.parsed.text?.includes("Lost in a crash?"))).toBe(true);
  });

  it("two workers send each message exactly once", async () => {
    const c = await customerWrites();
    const before = sink.messages.length;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: `Batch reply ${i}` })).messageId);
    useSender(sink.url);
    await worker({ batchSize: 3 });
    await worker({ batchSize: 3 });
    await until(async () => (await t.prisma.message.count({ where: { id: { in: ids }, deliveryStatus: "sent" } })) === ids.length);
    await new Promise((r) => setTimeout(r, 300));
    const batch = sink.messages.slice(before).filter((m) => /Batch reply/.test(m.parsed.text ?? ""));
    expect(batch).toHaveLength(10);
    expect(new Set(batch.map((m) => m.parsed.messageId)).size).toBe(10);
  });

  it("a bounce for a sent reply marks it failed with the diagnostic", async () => {
    const c = await customerWrites();
    const r = await sendReply({ conversationId: c.conversationId!, authorId: agentId, bodyText: "To a dead mailbox" });
    const before = sink.messages.length;
    useSender(sink.url);
    await worker();
    await sink.waitFor(before + 1);
    const m = await until(async () => {
      const x = await t.prisma.message.findUniqueOrThrow({ where: { id: r.messageId } });
      return x.deliveryStatus === "sent" ? x : null;
    });
    const bounce = Buffer.from(
      [
        "From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>",
        "To: support@throughline.test",
        "Subject: Undelivered Mail Returned to Sender",
        `Message-ID: <bounce-${Date.now()}@mx.customer.test>`,
        'Content-Type: multipart/report; report-type=delivery-status; boundary="rep"',
        "",
        "--rep",
        "Content-Type: text/plain",
        "",
        "Your message could not be delivered.",
        "",
        "--rep",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.customer.test",
        "",
        "Final-Recipient: rfc822; ann@customer.test",
        "Action: failed",
        "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown",
        "",
        "--rep",
        "Content-Type: text/rfc822-headers",
        "",
        "From: Support <support@throughline.test>",
        `Message-ID: ${m.platformMessageId}`,
        "",
        "--rep--",
        "",
      ].join("\r\n"),
    );
    const stored = await ingestEmail({ inbox, raw: bounce, receivedVia: "smtp" });
    // Filed in the conversation under its customer, flagged as machine mail, no MAILER-DAEMON customer.
    expect(stored.conversationId).toBe(c.conversationId);
    expect(stored.customerId).toBe(c.customerId);
    expect(await t.prisma.customerIdentity.count({ where: { value: { startsWith: "mailer-daemon" } } })).toBe(0);
    const after = await t.prisma.message.findUniqueOrThrow({ where: { id: r.messageId } });
    expect(after.deliveryStatus).toBe("failed");
    expect(after.deliveryError).toBe("Bounced: 550 5.1.1 User unknown");
  });
});
