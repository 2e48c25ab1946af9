// Outgoing webhooks end to end on this machine: touchpoints and ticket
// changes go through the real bus, forwarder, durable queue and webhooks
// consumer into deliveries, which the worker POSTs to a local receiver. The
// receiver checks each Standard Webhooks signature with the library a
// customer would use, and the test asserts order per conversation, a retry
// after a 500, no second event id, replay with the same id, refusal of a
// private address, and an endpoint disabled after repeated failures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { startTestJobRunner } from "../../helpers/jobs";
import { db, disconnectDb } from "@/server/db";
import type { JobRunner } from "@/server/jobs/runner";
import { recordTouchpoint } from "@/server/ingest/record";
import { updateConversation } from "@/server/conversations/ticket";
import { createEndpoint, listEndpoints, setEndpointEnabled } from "@/server/webhooks/endpoints";
import { listDeliveries, onWebhookEvents, replayDelivery, sendTestEvent } from "@/server/webhooks/deliveries";
import { configureWebhookDelivery } from "@/server/webhooks/settings";
import { deliverDueWebhooks, settleDeliveries } from "@/server/webhooks/worker";
import { webhookEnvelopeSchema } from "@/server/webhooks/payloads";
import { planWebhookEvents } from "@/server/webhooks/events";
import type { SentEventType } from "@/server/webhooks/event-types";
import { captureBus } from "../../helpers/touchpoints";
import { mergeCustomers } from "@/server/customers/merge";
import { createField, setConversationFields } from "@/server/fields/service";

type Received = { id: string; timestamp: string; signature: string; body: string; status: number; verified: boolean; envelope: { id: string; type: SentEventType; data: Record<string, unknown> } };

/** A local receiver: answers each request with what `answer` says, records everything. */
async function startReceiver(secretOf: () => string, answer: (r: Omit<Received, "status">) => number) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = { "webhook-id": String(req.headers["webhook-id"]), "webhook-timestamp": String(req.headers["webhook-timestamp"]), "webhook-signature": String(req.headers["webhook-signature"]) };
      let verified = false;
      try {
        new Webhook(secretOf()).verify(body, headers);
        verified = true;
      } catch {
        verified = false;
      }
      const r = { id: headers["webhook-id"], timestamp: headers["webhook-timestamp"], signature: headers["webhook-signature"], body, verified, envelope: JSON.parse(body) };
      const status = answer(r);
      received.push({ ...r, status });
      res.writeHead(status, { "content-type": "text/plain" }).end(status >= 400 ? "receiver says no" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let t: TestDatabase;
let runner: JobRunner;
let chatInbox: string;
let agentId: string;
let adminId: string;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  // The receivers listen on loopback, which the SSRF guard refuses unless allowlisted.
  process.env.OUTBOUND_ALLOWLIST = "127.0.0.1";
  configureWebhookDelivery({ backoffMs: [300, 600], disableAfterFailures: 3, disableAfterMs: 0, timeoutMs: 5_000, log: () => undefined });
  t = await useTestDatabase();
  adminId = (await db.user.create({ data: { email: "admin@example.test", name: "Ada Admin", passwordHash: "x", role: "admin" } })).id;
  agentId = (await db.user.create({ data: { email: "sam@example.test", name: "Sam Agent", passwordHash: "x", role: "supervisor" } })).id;
  chatInbox = (await db.inbox.create({ data: { name: "Chat", channel: "chat", publicId: "webhooks-widget" } })).id;
  runner = await startTestJobRunner({ tasks: ["webhook-deliveries"], periodsMs: { "webhook-deliveries": 300 } });
});
afterAll(async () => {
  await runner?.stop();
  await settleDeliveries();
  configureWebhookDelivery("reset");
  delete process.env.OUTBOUND_ALLOWLIST;
  await disconnectDb();
  await t.drop();
});

const chat = (email: string, text: string, thread: string) =>
  recordTouchpoint({
    identities: [{ kind: "email", value: email, verified: true, source: "test" }],
    customerName: "Grace Hopper",
    channel: "chat",
    kind: "message",
    actor: "customer",
    text,
    conversation: { inboxId: chatInbox, externalThreadKey: thread },
    message: { direction: "inbound", bodyText: text },
  });

describe("outgoing webhooks", () => {
  it("delivers signed, schema-valid events in order per conversation, retrying a 500 and never sending an event id twice", async () => {
    let secret = "";
    let failedOnce = false;
    const receiver = await startReceiver(
      () => secret,
      (r) => {
        // The second message fails once: it must be retried, and the third must wait for it.
        if (!failedOnce && r.envelope.type === "message.created" && (r.envelope.data.message as { text: string }).text === "second") {
          failedOnce = true;
          return 500;
        }
        return 204;
      },
    );
    try {
      const endpoint = await createEndpoint({ url: receiver.url, description: "CRM", events: ["customer.created", "conversation.created", "conversation.updated", "message.created"] }, adminId);
      secret = endpoint.secret;
      expect(secret).toMatch(/^whsec_/);

      const first = await chat("grace@example.test", "first", "thread-1");
      await chat("grace@example.test", "second", "thread-1");
      await chat("grace@example.test", "third", "thread-1");
      await updateConversation({ conversationId: first.conversationId!, actor: { userId: agentId, name: "Sam Agent" }, inboxScope: "all", changes: { status: "pending", priority: "high" } });

      const ok = (rs: Received[]) => rs.filter((r) => r.status < 300);
      // customer.created, conversation.created, three messages, two changes.
      await until("7 deliveries", () => ok(receiver.received), (rs) => rs.length >= 7);
      await settleDeliveries();

      const delivered = ok(receiver.received);
      expect(delivered.every((r) => r.verified)).toBe(true);
      for (const r of delivered) {
        expect(r.envelope.id).toBe(r.id);
        expect(Math.abs(Number(r.timestamp) * 1000 - Date.now())).toBeLessThan(60_000);
        expect(webhookEnvelopeSchema(r.envelope.type).safeParse(r.envelope).error).toBeUndefined();
      }
      // No event id delivered twice.
      expect(new Set(delivered.map((r) => r.id)).size).toBe(delivered.length);
      expect(delivered.length).toBe(7);

      const types = delivered.map((r) => r.envelope.type);
      expect(types.filter((x) => x === "customer.created")).toHaveLength(1);
      expect(types.filter((x) => x === "conversation.created")).toHaveLength(1);
      // The conversation's events in the order they happened: creation, the three messages (the second retried before the third went), the changes.
      const ofConversation = receiver.received.filter((r) => r.envelope.type !== "customer.created");
      const labels = ofConversation.map((r) => `${r.envelope.type}${r.envelope.type === "message.created" ? `:${(r.envelope.data.message as { text: string }).text}` : r.envelope.type === "conversation.updated" ? `:${(r.envelope.data.change as { field: string }).field}` : ""}:${r.status}`);
      expect(labels).toEqual([
        "conversation.created:204",
        "message.created:first:204",
        "message.created:second:500",
        "message.created:second:204",
        "message.created:third:204",
        "conversation.updated:status:204",
        "conversation.updated:priority:204",
      ]);
      // The retry is the same event, signed again.
      const [failed, retried] = receiver.received.filter((r) => r.envelope.type === "message.created" && (r.envelope.data.message as { text: string }).text === "second");
      expect(retried!.id).toBe(failed!.id);
      expect(retried!.body).toBe(failed!.body);

      const updated = delivered.filter((r) => r.envelope.type === "conversation.updated").map((r) => r.envelope.data);
      expect(updated[0]).toMatchObject({ change: { field: "status", from: "open", to: "pending" }, changedBy: { type: "agent", userId: agentId, name: "Sam Agent" } });
      expect(updated[1]).toMatchObject({ change: { field: "priority", to: "high" }, conversation: { status: "pending", priority: "high" } });
      // Inbound messages carry the customer's emotion.
      const firstMessage = delivered.find((r) => r.envelope.type === "message.created")!.envelope.data as { message: { emotion: { label: string } | null } };
      expect(firstMessage.message.emotion).toMatchObject({ label: expect.stringMatching(/^(negative|neutral|positive)$/) });
      const created = delivered.find((r) => r.envelope.type === "customer.created")!.envelope.data as { customer: { email: string; name: string } };
      expect(created.customer).toMatchObject({ email: "grace@example.test", name: "Grace Hopper" });

      // The delivery log shows the retried delivery with its two attempts and the last status.
      const log = await listDeliveries({ endpointId: endpoint.id, limit: 100 });
      expect(log.items).toHaveLength(7);
      const second = log.items.find((d) => d.eventId === failed!.id)!;
      expect(second).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 204 });

      // The same domain events handed to the consumer again (a redelivered job) add nothing.
      const before = await db.webhookDelivery.count();
      const cap = captureBus();
      await chat("grace@example.test", "fourth", "thread-1");
      cap.off();
      // A customer reply on a pending conversation reopens it: a message and a status change.
      const planned = planWebhookEvents(cap.seen);
      expect(planned.map((p) => p.type)).toEqual(["message.created", "conversation.updated"]);
      await until("fourth delivered", () => ok(receiver.received), (rs) => rs.length >= 9);
      await onWebhookEvents(cap.seen);
      await onWebhookEvents(cap.seen);
      expect(await db.webhookDelivery.count()).toBe(before + 2);
      expect(new Set(ok(receiver.received).map((r) => r.id)).size).toBe(9);

      // Replay: the same event id and body again, a fresh signature.
      const fourth = ok(receiver.received).find((r) => r.envelope.type === "message.created" && (r.envelope.data.message as { text: string }).text === "fourth")!;
      const fourthDelivery = (await listDeliveries({ endpointId: endpoint.id, limit: 100 })).items.find((d) => d.eventId === fourth.id)!;
      expect(fourthDelivery.status).toBe("delivered");
      await replayDelivery(fourthDelivery.id, adminId);
      await until("replay", () => receiver.received, (rs) => rs.filter((r) => r.id === fourth.id).length === 2);
      const replays = receiver.received.filter((r) => r.id === fourth.id);
      expect(replays[1]!.body).toBe(replays[0]!.body);
      expect(replays[1]!.verified).toBe(true);
    } finally {
      await settleDeliveries();
      await receiver.close();
    }
  });

  it("sends a ping on request and sends nothing for events the endpoint did not subscribe to", async () => {
    let secret = "";
    const receiver = await startReceiver(() => secret, () => 200);
    try {
      const endpoint = await createEndpoint({ url: receiver.url, events: ["survey.answered"] }, adminId);
      secret = endpoint.secret;
      await chat("linus@example.test", "hello", "thread-ping");
      await sendTestEvent(endpoint.id);
      await until("ping", () => receiver.received, (rs) => rs.length >= 1);
      await new Promise((r) => setTimeout(r, 1_500));
      await settleDeliveries();
      expect(receiver.received.map((r) => r.envelope.type)).toEqual(["ping"]);
      expect(receiver.received[0]!.verified).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it("refuses a private address without connecting, and disables an endpoint that keeps failing, with the reason", async () => {
    const metadata = await createEndpoint({ url: "http://169.254.169.254/latest/meta-data", events: ["message.created"] }, adminId);
    let secret = "";
    const failing = await startReceiver(() => secret, () => 503);
    try {
      const broken = await createEndpoint({ url: failing.url, events: ["message.created"] }, adminId);
      secret = broken.secret;
      for (let i = 0; i < 3; i++) await chat(`ops${i}@example.test`, `alert ${i}`, `thread-fail-${i}`);

      const refused = await until("refusal", () => listDeliveries({ endpointId: metadata.id }), (l) => l.items.length === 3 && l.items.every((d) => d.status === "failed"));
      expect(refused.items[0]!.attempts).toBe(1);
      expect(refused.items[0]!.lastStatusCode).toBeNull();
      expect(refused.items[0]!.lastError).toMatch(/refused/);

      const endpoints = await until("disabled", () => listEndpoints(), (l) => l.find((e) => e.id === broken.id)?.enabled === false, 30_000);
      const disabled = endpoints.find((e) => e.id === broken.id)!;
      expect(disabled.disabledReason).toMatch(/Disabled after 3 consecutive failures; last: HTTP 503/);
      const attemptsAtDisable = failing.received.length;
      expect(attemptsAtDisable).toBeGreaterThanOrEqual(3);

      // Disabled: nothing more is sent, new events queue no delivery.
      await chat("ops0@example.test", "still broken?", "thread-fail-0");
      await new Promise((r) => setTimeout(r, 1_500));
      await deliverDueWebhooks();
      expect(failing.received.length).toBe(attemptsAtDisable);
      const waiting = await listDeliveries({ endpointId: broken.id, limit: 100 });
      expect(waiting.items.some((d) => d.status === "pending")).toBe(true);

      // Enabled again (the receiver fixed): what waited is sent.
      const audit = await db.auditLog.findFirst({ where: { action: "webhook.disabled", targetId: broken.id } });
      expect(audit).not.toBeNull();
      await setEndpointEnabled(broken.id, true, adminId);
      expect((await listEndpoints()).find((e) => e.id === broken.id)).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    } finally {
      await settleDeliveries();
      await failing.close();
    }
  });
  it("sends survey answers, journey stage changes and customer merges in their documented shapes", async () => {
    let secret = "";
    const receiver = await startReceiver(() => secret, () => 200);
    try {
      const endpoint = await createEndpoint({ url: receiver.url, events: ["survey.answered", "journey.stage_changed", "customer.merged"] }, adminId);
      secret = endpoint.secret;
      const a = await chat("ana@example.test", "Where is my order?", "thread-survey");
      const b = await chat("ana.work@example.test", "Same person, work address", "thread-survey-2");
      // As the survey and journey services record them (src/server/surveys/service.ts, src/server/journey/service.ts).
      await recordTouchpoint({ customerId: a.customerId, channel: "chat", kind: "survey_response", actor: "customer", name: "csat", text: "Rated CSAT 4/5: quick", payload: { surveyId: "0190a0b0-0000-7000-8000-000000000001", kind: "csat", score: 4, max: 5, comment: "quick" }, dedupeKey: "survey:test-1" });
      await recordTouchpoint({ customerId: a.customerId, channel: "system", kind: "journey_stage", actor: "system", name: "retention", text: "Journey stage: onboarding → retention", payload: { from: "onboarding", to: "retention", reason: "test" } });
      await mergeCustomers({ sourceId: b.customerId, targetId: a.customerId, actorUserId: adminId });
      await until("three events", () => receiver.received, (rs) => new Set(rs.map((r) => r.envelope.type)).size >= 3);
      await settleDeliveries();
      const byType = new Map(receiver.received.map((r) => [r.envelope.type, r] as const));
      for (const r of receiver.received) {
        expect(r.verified).toBe(true);
        expect(webhookEnvelopeSchema(r.envelope.type).safeParse(r.envelope).error).toBeUndefined();
      }
      expect(byType.get("survey.answered")!.envelope.data).toMatchObject({ survey: { kind: "csat", score: 4, max: 5, comment: "quick" }, customer: { id: a.customerId } });
      // The journey consumer infers stages of its own too (a new customer is in awareness): ours is among them.
      const stages = receiver.received.filter((r) => r.envelope.type === "journey.stage_changed").map((r) => r.envelope.data);
      expect(stages).toContainEqual(expect.objectContaining({ from: "onboarding", to: "retention", changedBy: { type: "system", userId: null, name: null } }));
      const merged = byType.get("customer.merged")!.envelope.data as { sourceCustomerId: string; customer: { id: string; identities: { value: string }[] } };
      expect(merged.sourceCustomerId).toBe(b.customerId);
      expect(merged.customer.id).toBe(a.customerId);
      expect(merged.customer.identities.map((i) => i.value).sort()).toEqual(["ana.work@example.test", "ana@example.test"]);
    } finally {
      await settleDeliveries();
      await receiver.close();
    }
  });

  it("sends a custom field change as conversation.updated with the field's key, and the conversation's field values", async () => {
    let secret = "";
    const receiver = await startReceiver(() => secret, () => 200);
    try {
      const endpoint = await createEndpoint({ url: receiver.url, events: ["conversation.updated"] }, adminId);
      secret = endpoint.secret;
      await createField({ key: "contact_reason", label: "Contact reason", type: "select", options: ["Refund", "Bug"] }, adminId);
      await createField({ key: "order_total", label: "Order total", type: "number" }, adminId);
      const c = await chat("lin@example.test", "I want my money back", "thread-fields");
      await setConversationFields(c.conversationId!, { contact_reason: "Refund", order_total: 129.5 }, { userId: agentId, name: "Sam Agent" });
      await until("two field changes", () => receiver.received, (rs) => rs.filter((r) => r.envelope.type === "conversation.updated").length >= 2);
      await settleDeliveries();
      const updates = receiver.received.filter((r) => r.envelope.type === "conversation.updated");
      for (const r of updates) {
        expect(r.verified).toBe(true);
        expect(webhookEnvelopeSchema(r.envelope.type).safeParse(r.envelope).error).toBeUndefined();
      }
      const changes = updates.map((r) => (r.envelope.data as { change: { field: string; key?: string; from: string | null; to: string | null } }).change);
      expect(changes).toContainEqual({ field: "custom_field", key: "contact_reason", from: null, to: "Refund" });
      expect(changes).toContainEqual({ field: "custom_field", key: "order_total", from: null, to: "129.5" });
      // The conversation as processed carries both values, the number as a number.
      const last = updates.at(-1)!.envelope.data as { conversation: { id: string; customFields: Record<string, unknown> }; changedBy: unknown };
      expect(last.conversation).toMatchObject({ id: c.conversationId, customFields: { contact_reason: "Refund", order_total: 129.5 } });
      expect(last.changedBy).toEqual({ type: "agent", userId: agentId, name: "Sam Agent" });
    } finally {
      await settleDeliveries();
      await receiver.close();
    }
  });
});
