// Notifications out of the tab, through the real pieces: a note's @mention
// (the console procedure) written through rules/notify.ts, the agent's
// preferences (notification.setPreference), the digest pass sending to a
// real SMTP server (the relay stand-in, tests/fixtures/email/smtp-sink.ts),
// the unsubscribe route handler, and Web Push (web-push, VAPID, aes128gcm)
// to a local HTTPS push endpoint whose payload is decrypted here with the
// subscription's own private key (http_ece, the RFC 8291 reference code).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createECDH, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
// @ts-expect-error http_ece ships no types (a dependency of web-push)
import ece from "http_ece";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs } from "../../helpers/trpc";
import { startSmtpSink, type SmtpSink } from "../../fixtures/email/smtp-sink";
import { db, disconnectDb } from "@/server/db";
import { resetEnvCache } from "@/env";
import { bus, type DomainEvent } from "@/server/events/bus";
import { viewerOfUser, type Viewer } from "@/server/auth/viewer";
import { recordTouchpoint } from "@/server/ingest/record";
import { notify } from "@/server/rules/notify";
import { sendDueEmails } from "@/server/notifications/digest";
import { settlePushes } from "@/server/notifications/deliver";
import { forgetNotificationKeys } from "@/server/notifications/instance-keys";
import { GET as unsubscribeGet, POST as unsubscribePost } from "@/app/unsubscribe/route";

const PUBLIC = "https://desk.delivery.test";
const WINDOW_S = 120;
const SUBJECT = "Refund not received";
const CUSTOMER = "Aaliyah Mensah";
const fixture = (f: string) => readFileSync(path.join(import.meta.dirname, "fixtures", f));

let t: TestDatabase;
let sink: SmtpSink;
let supervisor: Viewer; // Daniel: the one mentioned
let agent: Viewer; // Sam: writes the notes
let conv: { id: string; number: number; customerId: string };
const events: DomainEvent[] = [];
let off: () => void;

type PushHit = { path: string; headers: Record<string, string | string[] | undefined>; body: Buffer };
const pushHits: PushHit[] = [];
let pushStatus = 201;
let pushServer: https.Server;
let pushBase: string;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  process.env.PUBLIC_URL = PUBLIC;
  process.env.NOTIFICATION_DIGEST_SECONDS = String(WINDOW_S);
  t = await useTestDatabase();
  sink = await startSmtpSink();
  process.env.SMTP_RELAY_URL = sink.url;
  resetEnvCache();
  forgetNotificationKeys();

  // The push service stand-in: HTTPS (web-push only speaks https), trusted through the global agent's CA list.
  const cert = fixture("push-endpoint.crt");
  pushServer = https.createServer({ key: fixture("push-endpoint.key"), cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      pushHits.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(pushStatus).end();
    });
  });
  await new Promise<void>((r) => pushServer.listen(0, "127.0.0.1", () => r()));
  pushBase = `https://127.0.0.1:${(pushServer.address() as AddressInfo).port}`;
  https.globalAgent.options.ca = [cert];

  const team = await db.team.create({ data: { name: "Support" } });
  const inbox = await db.inbox.create({ data: { name: "Support email", channel: "email", publicId: "support@delivery.test" } });
  await db.teamInbox.create({ data: { teamId: team.id, inboxId: inbox.id } });
  const sup = await db.user.create({ data: { email: "daniel@delivery.test", name: "Daniel Okafor", passwordHash: "x", role: "supervisor" } });
  const sam = await db.user.create({ data: { email: "sam@delivery.test", name: "Sam Rivera", passwordHash: "x", role: "agent" } });
  await db.teamMember.create({ data: { teamId: team.id, userId: sam.id } });
  supervisor = (await viewerOfUser(sup.id))!;
  agent = (await viewerOfUser(sam.id))!;
  const r = await recordTouchpoint({
    identities: [{ kind: "email", value: "aaliyah@brightlane.test", verified: true, source: "test" }],
    customerName: CUSTOMER,
    channel: "email",
    kind: "message",
    actor: "customer",
    text: "My refund has not arrived yet.",
    conversation: { inboxId: inbox.id, externalThreadKey: "<refund@delivery.test>", subject: SUBJECT },
    message: { direction: "inbound", bodyText: "My refund has not arrived yet.", platformMessageId: "<refund@delivery.test>" },
  });
  conv = await db.conversation.findUniqueOrThrow({ where: { id: r.conversationId! }, select: { id: true, number: true, customerId: true } });
  off = bus.on((e) => void events.push(e));
});

afterAll(async () => {
  off?.();
  await settlePushes();
  await sink?.stop();
  await new Promise<void>((r) => (pushServer ? pushServer.close(() => r()) : r()));
  await disconnectDb();
  await t?.drop();
});

beforeEach(async () => {
  // Each test starts with nothing pending, default preferences and no subscriptions.
  await db.notification.deleteMany({});
  await db.notificationPreference.deleteMany({});
  await db.pushSubscription.deleteMany({});
  sink.messages.length = 0;
  pushHits.length = 0;
  pushStatus = 201;
  events.length = 0;
});

const mention = (text = "can you approve the refund?") => callerAs(agent).conversation.note({ id: conv.id, body: `@Daniel Okafor ${text}` });
const afterWindow = () => new Date(Date.now() + (WINDOW_S + 1) * 1000);
const convUrl = () => `${PUBLIC}/conversations/${conv.id}`;
const daniel = () => callerAs(supervisor).notification;

function linksOf(text: string): string[] {
  return [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
}

/** A browser's subscription: its P-256 key pair and auth secret, as PushManager would make them. */
function browserSubscription(name: string) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    ecdh,
    authSecret,
    input: { endpoint: `${pushBase}/push/${name}`, keys: { p256dh: ecdh.getPublicKey("base64url"), auth: authSecret.toString("base64url") }, userAgent: "test browser" },
  };
}

describe("email", () => {
  it("a mention with email on produces exactly one email, after the window, with the conversation link and an unsubscribe link", async () => {
    await daniel().setPreference({ kind: "mention", email: true });
    await mention();
    expect(await sendDueEmails(new Date()), "nothing before the digest window ends").toBe(0);
    expect(await sendDueEmails(afterWindow())).toBe(1);
    expect(await sendDueEmails(afterWindow()), "sent once").toBe(0);
    await sink.waitFor(1);
    expect(sink.messages).toHaveLength(1);
    const m = sink.messages[0]!;
    expect(m.rcptTo).toEqual(["daniel@delivery.test"]);
    expect(m.parsed.subject).toBe(`Sam Rivera mentioned you in #${conv.number} “${SUBJECT}” (${CUSTOMER})`);
    const text = m.parsed.text ?? "";
    expect(text).toContain("can you approve the refund?");
    expect(linksOf(text)).toContain(convUrl());
    expect(m.parsed.html || "").toContain(`href="${convUrl()}"`);
    const unsubscribe = linksOf(text).find((l) => l.startsWith(`${PUBLIC}/unsubscribe?t=`));
    expect(unsubscribe, "an unsubscribe link in the body").toBeTruthy();
    const header = (m.parsed.headers.get("list") as { unsubscribe?: { url?: string } } | undefined)?.unsubscribe?.url;
    expect(header, "List-Unsubscribe names the same one-click link").toBe(unsubscribe);
    expect(m.raw.toString()).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    const row = await db.notification.findFirstOrThrow({ where: { userId: supervisor.userId, kind: "mention" } });
    expect(row.emailedAt).not.toBeNull();
    expect(row.readAt, "still unread in the bell").toBeNull();
  });

  it("three notifications within the window make one digest listing each with its link", async () => {
    await daniel().setPreference({ kind: "mention", email: true });
    await daniel().setPreference({ kind: "rule", email: true });
    await mention("first question");
    await mention("second question");
    await notify([
      {
        userId: supervisor.userId,
        kind: "rule",
        data: { ruleId: conv.id, ruleName: "VIP waiting", text: "A VIP has waited 2 hours", customerId: conv.customerId, customerName: CUSTOMER, conversationId: conv.id, conversationNumber: conv.number, subject: SUBJECT, eventId: null },
      },
    ]);
    expect(await sendDueEmails(afterWindow())).toBe(1);
    await sink.waitFor(1);
    expect(sink.messages).toHaveLength(1);
    const m = sink.messages[0]!;
    expect(m.parsed.subject).toBe("3 new notifications");
    const text = m.parsed.text ?? "";
    expect(text).toContain("first question");
    expect(text).toContain("second question");
    expect(text).toContain("A VIP has waited 2 hours");
    expect(linksOf(text).filter((l) => l === convUrl())).toHaveLength(3);
    // One unsubscribe link per kind in the digest.
    expect(text).toMatch(/Stop emails about mentions: https:\/\/desk\.delivery\.test\/unsubscribe\?t=/);
    expect(text).toMatch(/Stop emails about rule alerts: https:\/\/desk\.delivery\.test\/unsubscribe\?t=/);
    expect(await db.notification.count({ where: { userId: supervisor.userId, emailedAt: null, emailDueAt: { not: null } } })).toBe(0);
  });

  it("the unsubscribe link asks first (GET changes nothing), then turns email off for that kind only", async () => {
    await daniel().setPreference({ kind: "mention", email: true });
    await daniel().setPreference({ kind: "sla_breached", email: true });
    await mention();
    await sendDueEmails(afterWindow());
    await sink.waitFor(1);
    const link = linksOf(sink.messages[0]!.parsed.text ?? "").find((l) => l.includes("/unsubscribe?t="))!;

    const shown = await unsubscribeGet(new Request(link));
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain("Stop these emails?");
    expect(html).toContain('<form method="post"');
    expect((await daniel().preferences()).find((p) => p.kind === "mention")!.channels.email, "a GET (link scanner) changes nothing").toBe(true);

    const tampered = link.replace(/t=([^.]+)\.(.)/, (_m, body: string, c: string) => `t=${body}.${c === "A" ? "B" : "A"}`);
    expect((await unsubscribePost(new Request(tampered, { method: "POST" }))).status).toBe(400);

    const done = await unsubscribePost(new Request(link, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } }));
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("you will no longer get emails about mentions");
    const prefs = await daniel().preferences();
    expect(prefs.find((p) => p.kind === "mention")!.channels).toEqual({ inApp: true, email: false, push: false });
    expect(prefs.find((p) => p.kind === "sla_breached")!.channels.email, "other kinds keep email").toBe(true);

    sink.messages.length = 0;
    await mention("another one");
    expect(await sendDueEmails(afterWindow())).toBe(0);
    expect(sink.messages).toHaveLength(0);
  });

  it("with the preferences off (the default) nothing is emailed or pushed; in-app off writes the row read and announces nothing", async () => {
    const sub = browserSubscription("quiet");
    await daniel().pushSubscribe(sub.input);
    await mention();
    await settlePushes();
    expect(await sendDueEmails(afterWindow())).toBe(0);
    expect(sink.messages).toHaveLength(0);
    expect(pushHits).toHaveLength(0);
    expect(events.some((e) => e.type === "notification.created" && e.userId === supervisor.userId), "default: the bell").toBe(true);

    events.length = 0;
    await daniel().setPreference({ kind: "mention", inApp: false });
    await mention("quietly");
    await settlePushes();
    expect(events.some((e) => e.type === "notification.created" && e.userId === supervisor.userId)).toBe(false);
    expect(await daniel().unreadCount()).toBe(1);
    expect(pushHits).toHaveLength(0);
    expect(await sendDueEmails(afterWindow())).toBe(0);
  });
});

describe("web push", () => {
  it("a subscription receives the aes128gcm-encrypted payload, which decrypts to {title, body, url}", async () => {
    const sub = browserSubscription("ok");
    expect(await daniel().pushSubscribe(sub.input)).toEqual({ subscriptions: 1 });
    await daniel().setPreference({ kind: "mention", push: true });
    await mention();
    await settlePushes();
    expect(pushHits).toHaveLength(1);
    const hit = pushHits[0]!;
    expect(hit.path).toBe("/push/ok");
    expect(hit.headers["content-encoding"]).toBe("aes128gcm");
    const title = `Sam Rivera mentioned you in #${conv.number} “${SUBJECT}” (${CUSTOMER})`;
    expect(hit.body.includes(Buffer.from("Sam Rivera")), "not the plaintext").toBe(false);
    // VAPID: signed with this instance's key pair, the public half being what the page subscribes with.
    const publicKey = await daniel().vapidPublicKey();
    expect(String(hit.headers.authorization)).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${publicKey}$`));
    const plain = ece.decrypt(hit.body, { version: "aes128gcm", privateKey: sub.ecdh, authSecret: sub.authSecret.toString("base64url") }) as Buffer;
    expect(JSON.parse(plain.toString("utf8"))).toEqual({ title, body: "@Daniel Okafor can you approve the refund?", url: convUrl() });
    expect((await db.pushSubscription.findUniqueOrThrow({ where: { endpoint: sub.input.endpoint } })).lastPushedAt).not.toBeNull();
  });

  it("a 410 from the push service removes the subscription", async () => {
    const gone = browserSubscription("gone");
    await daniel().pushSubscribe(gone.input);
    await daniel().setPreference({ kind: "mention", push: true });
    pushStatus = 410;
    await mention();
    await settlePushes();
    expect(pushHits.map((h) => h.path)).toEqual(["/push/gone"]);
    expect(await db.pushSubscription.count({ where: { endpoint: gone.input.endpoint } })).toBe(0);
  });
});

describe("each agent's own preferences only", () => {
  it("setPreference, preferences and push unsubscribe act on the signed-in agent alone", async () => {
    await callerAs(agent).notification.setPreference({ kind: "mention", email: true, push: true });
    expect((await daniel().preferences()).find((p) => p.kind === "mention")!.channels, "Sam's choice is not Daniel's").toEqual({ inApp: true, email: false, push: false });
    expect((await callerAs(agent).notification.preferences()).find((p) => p.kind === "mention")!.channels).toEqual({ inApp: true, email: true, push: true });
    const sub = browserSubscription("daniels");
    await daniel().pushSubscribe(sub.input);
    expect(await callerAs(agent).notification.pushUnsubscribe({ endpoint: sub.input.endpoint })).toEqual({ removed: 0 });
    expect(await db.pushSubscription.count({ where: { userId: supervisor.userId } })).toBe(1);
    expect(await daniel().pushUnsubscribe({ endpoint: sub.input.endpoint })).toEqual({ removed: 1 });
  });

  it("the digest is written in the agent's language", async () => {
    await daniel().setLocale({ locale: "de" });
    await daniel().setPreference({ kind: "mention", email: true });
    await mention("eins");
    await mention("zwei");
    expect(await sendDueEmails(afterWindow())).toBe(1);
    await sink.waitFor(1);
    expect(sink.messages[0]!.parsed.subject).toBe("2 neue Benachrichtigungen");
    expect(sink.messages[0]!.parsed.text).toContain("Sam Rivera hat Sie in #");
    await daniel().setLocale({ locale: "en" });
  });
});
