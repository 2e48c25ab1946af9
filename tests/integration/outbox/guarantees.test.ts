// The outbox's promises, each proven against the real email sender and a
// local SMTP relay: an outbound message is stored (with the Message-ID it will
// carry) before it is sent; a process that dies after handing the mail to the
// relay but before recording it loses its lease and another worker sends it
// again — at least once — with the same Message-ID, so the receiving side
// can de-duplicate; it ends "sent" once. The workers are job runners
// (src/server/jobs/), as `npm start` runs them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { startSmtpSink, type SmtpSink } from "../../fixtures/email/smtp-sink";
import { createSupportTeam } from "../../fixtures/email/support-team";
import { ingestEmail } from "@/server/channels/email/inbound";
import { createEmailSender } from "@/server/channels/email/send";
import { sendReply } from "@/server/conversations/reply";
import { processOutboxOnce, registerSender, type Sender } from "@/server/outbox/outbox";
import type { JobRunner } from "@/server/jobs/runner";
import { startTestJobRunner } from "../../helpers/jobs";

let t: TestDatabase;
let sink: SmtpSink;
let inbox: { id: string; address: string; name: string };
let agentId: string;
const unregister: (() => void)[] = [];
const runners: JobRunner[] = [];
let seq = 0;

beforeAll(async () => {
  t = await useTestDatabase();
  sink = await startSmtpSink();
  ({ inbox, agentId } = await createSupportTeam(t.prisma));
});
afterEach(async () => {
  for (const r of runners.splice(0)) await r.stop();
  for (const u of unregister.splice(0)) u();
  sink.messages.length = 0;
  sink.beforeAccept = null;
});
afterAll(async () => {
  await sink?.stop();
  await t?.drop();
});

async function conversationWithReply(body: string) {
  seq += 1;
  const raw = Buffer.from(
    [`From: Ann Example <ann@customer.test>`, "To: Support <support@throughline.test>", `Subject: Question ${seq}`, `Message-ID: <g${seq}-${Date.now()}@customer.test>`, "Content-Type: text/plain; charset=utf-8", "", "Hello, I need help.", ""].join("\r\n"),
  );
  const inbound = await ingestEmail({ inbox, raw, receivedVia: "smtp" });
  const reply = await sendReply({ conversationId: inbound.conversationId!, authorId: agentId, bodyText: body });
  return reply.messageId;
}

const realSender = () => createEmailSender({ relayUrl: sink.url });

describe("outbox guarantees", () => {
  it("stores the message and its Message-ID before the relay receives it", async () => {
    // What the database holds at the moment the relay is handed the mail (read on another connection).
    const seen: { status: string; platformMessageId: string | null; outbox: string; header: string | undefined }[] = [];
    sink.beforeAccept = async (mail) => {
      const row = await t.prisma.message.findFirstOrThrow({ where: { bodyText: "Stored first, then sent." } });
      const item = await t.prisma.outboxItem.findFirstOrThrow({ where: { messageId: row.id } });
      seen.push({ status: row.deliveryStatus, platformMessageId: row.platformMessageId, outbox: item.status, header: mail.parsed.messageId });
    };
    unregister.push(registerSender("email", realSender()));
    const messageId = await conversationWithReply("Stored first, then sent.");
    // Committed and queued before any worker ran.
    expect(await t.prisma.message.findUniqueOrThrow({ where: { id: messageId } })).toMatchObject({ deliveryStatus: "queued", direction: "outbound" });
    expect(await t.prisma.outboxItem.count({ where: { messageId, status: "pending" } })).toBe(1);

    expect(await processOutboxOnce({ leaseMs: 60_000 })).toBe(1);
    expect(sink.messages).toHaveLength(1);
    expect(seen).toHaveLength(1);
    // The mail on the wire carries the Message-ID that was already stored.
    expect(seen[0]).toEqual({ status: "queued", platformMessageId: expect.stringMatching(/^<.+@.+>$/), outbox: "sending", header: seen[0]!.platformMessageId });
    expect(await t.prisma.message.findUniqueOrThrow({ where: { id: messageId } })).toMatchObject({ deliveryStatus: "sent", platformMessageId: seen[0]!.platformMessageId });
  });

  it("a worker that dies after sending is replaced: the mail goes again with the same Message-ID and is recorded sent once", async () => {
    const real = realSender();
    // Process 1 hands the mail to the relay, then "dies": it never records the outcome.
    const dying: Sender = async (ctx) => {
      await real(ctx);
      return new Promise(() => undefined);
    };
    const off = registerSender("email", dying);
    const dead = await startTestJobRunner({ events: false, tasks: [], outbox: { leaseMs: 1_500 } });
    const messageId = await conversationWithReply("Sent at least once.");
    await expect.poll(() => sink.messages.length, { timeout: 10_000 }).toBe(1);
    expect(await t.prisma.outboxItem.findFirstOrThrow({ where: { messageId } })).toMatchObject({ status: "sending", attempts: 1 });
    // The process dies: its job stays active, nothing is recorded.
    await dead.stop({ graceful: false });
    off();

    // Another process's worker: nothing to do while the lease holds…
    unregister.push(registerSender("email", real));
    runners.push(await startTestJobRunner({ events: false, tasks: [], outbox: { leaseMs: 1_500 } }));
    expect(await processOutboxOnce({ leaseMs: 400 })).toBe(0);
    expect(sink.messages).toHaveLength(1);
    // …and once it lapses, it sends the message again.
    await expect.poll(() => sink.messages.length, { timeout: 20_000 }).toBe(2);
    await expect.poll(async () => (await t.prisma.outboxItem.findFirstOrThrow({ where: { messageId } })).status, { timeout: 10_000 }).toBe("sent");
    expect(sink.messages).toHaveLength(2);
    const [first, second] = sink.messages;
    expect(second!.parsed.messageId).toBe(first!.parsed.messageId);
    expect(second!.parsed.text).toBe(first!.parsed.text);

    const stored = await t.prisma.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(stored).toMatchObject({ deliveryStatus: "sent", platformMessageId: first!.parsed.messageId });
    expect(await t.prisma.outboxItem.findFirstOrThrow({ where: { messageId } })).toMatchObject({ status: "sent", attempts: 2 });
    // Nothing left to send.
    expect(await processOutboxOnce({ leaseMs: 60_000 })).toBe(0);
    expect(sink.messages).toHaveLength(2);
  });
});
