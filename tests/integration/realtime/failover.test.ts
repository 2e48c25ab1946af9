// An app process killed (SIGKILL) mid-load: two processes on one PostgreSQL
// and the machine's Redis, behind a balancer. Widget visitors and an agent
// reach process A through the balancer while they chat; A is killed without
// warning; everyone reconnects through the balancer to B. Afterwards every
// message a visitor sent is stored exactly once, every visitor got an ack for
// every message, the agent that moved catches up with no gap (live pushes +
// the re-read the console does after a reconnect), the agent that stayed on B
// got every message stored after the kill live, and B keeps answering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";
import { startTcpBalancer, type TcpBalancer } from "../../helpers/tcp-balancer";
import { MACHINE_REDIS_URL, withoutMachineRedis } from "../../helpers/redis";

const REDIS_URL = MACHINE_REDIS_URL;
const VISITORS = 24;
const WATCHED = 4;

type Sent = { clientId: string; text: string; acked: boolean; ackId?: string };

/** A visitor the way public/widget.js behaves: keeps its session, resends unacknowledged messages after every reconnect. */
class ResendingVisitor {
  socket: Socket;
  visitorId = "";
  private token = "";
  sent: Sent[] = [];
  errors: string[] = [];
  connects = 0;
  private ready: Promise<void>;

  constructor(url: string) {
    this.socket = connect(`${url}/widget`, {
      transports: ["websocket"],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 400,
      // Re-read on every attempt: after the first session the visitor reconnects as itself.
      auth: (cb) => cb(this.visitorId ? { inbox: "demo-widget", visitorId: this.visitorId, visitorToken: this.token } : { inbox: "demo-widget" }),
    });
    this.ready = new Promise((resolve) => {
      this.socket.on("session", (s: { visitorId: string; visitorToken: string | null }) => {
        if (this.visitorId && s.visitorId !== this.visitorId) this.errors.push(`visitor id changed ${this.visitorId} → ${s.visitorId}`);
        this.visitorId = s.visitorId;
        // null: the token we hold is still good (another connection renewed it a moment ago).
        this.token = s.visitorToken ?? this.token;
        this.connects++;
        if (this.connects > 1) for (const m of this.sent) if (!m.acked) void this.transmit(m);
        resolve();
      });
    });
  }

  whenReady() {
    return this.ready;
  }

  send(text: string) {
    const m: Sent = { clientId: randomUUID(), text, acked: false };
    this.sent.push(m);
    void this.transmit(m);
  }

  private async transmit(m: Sent) {
    if (!this.socket.connected) return; // resent on the next session
    try {
      const ack = (await this.socket.timeout(4_000).emitWithAck("message:send", { clientId: m.clientId, text: m.text })) as { ok: boolean; id?: string; error?: string };
      if (ack.ok) {
        if (m.ackId && m.ackId !== ack.id) this.errors.push(`two ids for one message: ${m.ackId} and ${ack.id}`);
        m.acked = true;
        m.ackId = ack.id;
      }
    } catch {
      /* no ack (the process died): resent after the reconnect */
    }
  }

  unacked() {
    return this.sent.filter((m) => !m.acked);
  }

  /** Resends whatever is still unacknowledged (the widget also retries on a timer). */
  retry() {
    for (const m of this.unacked()) void this.transmit(m);
  }
}

describe.skipIf(await withoutMachineRedis())(`process killed mid-load (Redis at ${REDIS_URL})`, () => {
  let t: TestDatabase;
  let a: AppServer;
  let b: AppServer;
  let lb: TcpBalancer;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    // Keys of this run only, so a run never sees another's pub/sub traffic on the shared Redis.
    const env = { REDIS_URL, REDIS_KEY_PREFIX: `tl-failover-${randomBytes(4).toString("hex")}` };
    a = await startAppServer({ databaseUrl: t.url, env });
    b = await startAppServer({ databaseUrl: t.url, env });
    // The balancer prefers A while it lives, so everyone starts on A.
    lb = await startTcpBalancer([a.port, b.port]);
    cookie = (await signIn(b.url, "admin@throughline.test")).cookie;
  });
  afterAll(async () => {
    await lb?.close();
    await a?.stop("SIGKILL");
    await b?.stop();
    await t?.drop();
  });

  it("both processes use the shared Redis", async () => {
    for (const app of [a, b]) expect(await (await fetch(`${app.url}/api/health`)).json()).toEqual({ status: "ok", db: "ok", redis: "ok" });
  });

  it("clients reconnect to the surviving process and nothing is lost, duplicated or missed", async () => {
    const agent = (url: string, onConnect?: (s: Socket) => void) => {
      const s = connect(url, { transports: ["websocket"], extraHeaders: { cookie }, forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 400 });
      // As the console does: subscriptions are re-sent on every (re)connect.
      s.on("connect", () => {
        s.emit("subscribe", { allInboxes: true });
        onConnect?.(s);
      });
      return s;
    };
    // The agent that stays on B for the whole run.
    const stayer = agent(b.url);
    const stayerGot = new Map<string, number>();
    stayer.on("timeline.created", (e: { eventId: string }) => stayerGot.set(e.eventId, (stayerGot.get(e.eventId) ?? 0) + 1));
    // The agent that starts on A through the balancer and must move to B.
    let moverConnects = 0;
    const mover = agent(lb.url, () => moverConnects++);
    const moverGot = new Set<string>();
    mover.on("timeline.created", (e: { eventId: string }) => moverGot.add(e.eventId));
    await expect.poll(() => stayer.connected && mover.connected, { timeout: 10_000 }).toBe(true);

    const visitors = Array.from({ length: VISITORS }, () => new ResendingVisitor(lb.url));
    await Promise.all(visitors.map((v) => v.whenReady()));
    expect(lb.routed.get(a.port)).toBeGreaterThanOrEqual(VISITORS + 1);
    expect(lb.routed.get(b.port)).toBe(0);

    // Chat: every visitor sends a message every 800 ms (staggered), before and after the kill.
    let round = 0;
    const chat = setInterval(() => {
      round++;
      const i = round % VISITORS;
      visitors[i]!.send(`visitor ${i} message ${round}`);
    }, Math.round(800 / VISITORS));
    // Liveness, not speed: on a loaded CI machine two fresh processes take a while to ack the first round.
    await expect.poll(() => visitors.every((v) => v.sent.some((m) => m.acked)), { timeout: 30_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 600));

    const killedAt = new Date();
    a.child.kill("SIGKILL");
    const inFlightAtKill = visitors.reduce((n, v) => n + v.unacked().length, 0);
    await expect.poll(() => a.child.exitCode !== null || a.child.signalCode !== null, { timeout: 5_000 }).toBe(true);
    expect(a.child.signalCode).toBe("SIGKILL");

    // Everyone finds B through the balancer while the chat goes on.
    await expect.poll(() => visitors.every((v) => v.connects >= 2 && v.socket.connected) && moverConnects >= 2 && mover.connected, { timeout: 20_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    clearInterval(chat);

    // The widget retries what was never acknowledged until it is.
    await expect
      .poll(
        () => {
          for (const v of visitors) v.retry();
          return visitors.reduce((n, v) => n + v.unacked().length, 0);
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(0);
    for (const v of visitors) expect(v.errors).toEqual([]);

    // Stored exactly once: one row per clientId, with the id the ack carried.
    const sent = visitors.flatMap((v) => v.sent.map((m) => ({ ...m, key: `${v.visitorId}:${m.clientId}` })));
    const rows = await t.prisma.message.findMany({ where: { platformMessageId: { in: sent.map((m) => m.key) } }, select: { id: true, platformMessageId: true, bodyText: true, createdAt: true } });
    expect(rows).toHaveLength(sent.length);
    const byKey = new Map(rows.map((r) => [r.platformMessageId!, r]));
    for (const m of sent) {
      const row = byKey.get(m.key);
      expect(row?.bodyText, `message ${m.key} stored`).toBe(m.text);
      expect(row!.id).toBe(m.ackId);
    }
    const storedBefore = rows.filter((r) => r.createdAt < killedAt).length;
    const storedAfter = rows.length - storedBefore;
    expect(storedBefore).toBeGreaterThan(0);
    expect(storedAfter).toBeGreaterThan(0);

    // Timeline events of those messages (what agents are pushed).
    const events = await t.prisma.timelineEvent.findMany({ where: { messageId: { in: rows.map((r) => r.id) } }, select: { id: true, occurredAt: true, customerId: true, createdAt: true } });
    expect(events).toHaveLength(rows.length);

    // The agent that stayed on B: every message stored after the kill arrived live, once.
    const afterKill = events.filter((e) => e.createdAt > new Date(killedAt.getTime() + 200));
    await expect.poll(() => afterKill.filter((e) => !stayerGot.has(e.id)).length, { timeout: 10_000 }).toBe(0);
    expect(events.filter((e) => (stayerGot.get(e.id) ?? 0) > 1)).toEqual([]);

    // The agent that moved: live pushes plus the re-read after its reconnect
    // (the console re-reads the newest page of each timeline it shows) leave no gap.
    const watched = [...new Set(events.map((e) => e.customerId))].slice(0, WATCHED);
    for (const customerId of watched) {
      const page = await fetch(`${b.url}/api/v1/customers/${customerId}/timeline?limit=200`, { headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` } });
      expect(page.status).toBe(200);
      for (const item of ((await page.json()) as { items: { id: string }[] }).items) moverGot.add(item.id);
      const missing = events.filter((e) => e.customerId === customerId && !moverGot.has(e.id));
      expect(missing, `customer ${customerId}: no gap`).toEqual([]);
    }
    // And it is live on B: a message sent now reaches it without a re-read.
    const v0 = visitors[0]!;
    v0.send("after the failover");
    await expect.poll(() => v0.unacked().length, { timeout: 10_000 }).toBe(0);
    const last = v0.sent[v0.sent.length - 1]!;
    const lastEvent = await t.prisma.timelineEvent.findFirstOrThrow({ where: { messageId: last.ackId } });
    await expect.poll(() => moverGot.has(lastEvent.id), { timeout: 10_000 }).toBe(true);

    // Every reconnect went to B; B is healthy.
    expect(lb.routed.get(b.port)).toBeGreaterThanOrEqual(VISITORS + 1);
    expect((await fetch(`${b.url}/api/health`)).status).toBe(200);
    expect(b.child.exitCode).toBeNull();

    console.log(`failover: ${sent.length} messages from ${VISITORS} visitors (${inFlightAtKill} unacknowledged at the kill), ${storedBefore} stored before the kill and ${storedAfter} after, all stored once and acknowledged`);
    for (const v of visitors) v.socket.close();
    stayer.close();
    mover.close();
  });
});
