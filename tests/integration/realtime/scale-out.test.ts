// Several processes as one helpdesk: two app servers on one PostgreSQL and one
// Redis. A touchpoint ingested on A reaches an agent connected to B; with Redis
// gone, each process keeps delivering to its own agents and reports degraded.
// Uses a private redis-server (Debian's binary) so stopping it harms nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer, connected } from "../../helpers/app-server";
import { startPrivateRedis, withoutRedisServer, type PrivateRedis } from "../../helpers/redis";

describe.skipIf(withoutRedisServer())("scale-out with Redis (a private redis-server)", () => {
  let t: TestDatabase;
  let redis: PrivateRedis;
  let a: AppServer;
  let b: AppServer;
  let cookie: string;
  let customer: { id: string; email: string };

  async function agentOn(app: AppServer): Promise<Socket> {
    const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie } });
    await connected(socket);
    const ack = (await socket.emitWithAck("subscribe", { customerId: customer.id })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    return socket;
  }

  async function postEvent(app: AppServer, step: string) {
    const res = await fetch(`${app.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ customer: { email: customer.email }, name: "custom", properties: { step } }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { items: { id: string }[] }).items[0]!.id;
  }

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await createTestDatabase();
    const env = { REDIS_URL: redis.url };
    a = await startAppServer({ databaseUrl: t.url, env });
    b = await startAppServer({ databaseUrl: t.url, env });
    cookie = (await signIn(b.url, "admin@throughline.test")).cookie;
    const identity = await t.prisma.customerIdentity.findFirstOrThrow({ where: { kind: "email" }, orderBy: { value: "asc" } });
    customer = { id: identity.customerId, email: identity.value };
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    redis?.stop();
    await t?.drop();
  });

  it("both processes report Redis in their health", async () => {
    for (const app of [a, b]) {
      expect(await (await fetch(`${app.url}/api/health`)).json()).toEqual({ status: "ok", db: "ok", redis: "ok" });
    }
  });

  it("signing out on process A drops that session's socket on process B at once; the person's other session stays", async () => {
    const ended = await signIn(a.url, "agent@throughline.test");
    const other = await signIn(a.url, "agent@throughline.test");
    const endedSocket = connect(b.url, { transports: ["websocket"], extraHeaders: { cookie: ended.cookie }, reconnection: false, forceNew: true });
    const otherSocket = connect(b.url, { transports: ["websocket"], extraHeaders: { cookie: other.cookie }, reconnection: false, forceNew: true });
    await Promise.all([connected(endedSocket), connected(otherSocket)]);
    const dropped = new Promise<string>((resolve) => endedSocket.once("disconnect", resolve));

    const csrf = (await (await fetch(`${a.url}/api/auth/csrf`, { headers: { cookie: ended.cookie } })).json()) as { csrfToken: string };
    await fetch(`${a.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: ended.cookie },
      body: new URLSearchParams({ csrfToken: csrf.csrfToken, json: "true" }),
    });
    // No event sent by the client: the drop comes through the Redis adapter.
    expect(await dropped).toBe("io server disconnect");
    expect(otherSocket.connected).toBe(true);
    expect(((await otherSocket.emitWithAck("subscribe", { allInboxes: true })) as { ok: boolean }).ok).toBe(true);
    endedSocket.close();
    otherSocket.close();
  });

  it("a touchpoint ingested on process A reaches an agent connected to process B", async () => {
    const onB = await agentOn(b);
    const received: string[] = [];
    onB.on("timeline.created", (e: { eventId: string }) => received.push(e.eventId));
    const id = await postEvent(a, "cross-process");
    await expect.poll(() => received, { timeout: 5000 }).toContain(id);
    expect(received.filter((r) => r === id)).toHaveLength(1);
    onB.close();
  });

  it("with Redis down each process keeps serving its own agents and reports degraded", async () => {
    const onA = await agentOn(a);
    const received: string[] = [];
    onA.on("timeline.created", (e: { eventId: string }) => received.push(e.eventId));
    redis.stop();
    await expect.poll(async () => ((await (await fetch(`${a.url}/api/health`)).json()) as { status: string }).status, { timeout: 10_000 }).toBe("degraded");
    const health = await fetch(`${a.url}/api/health`);
    expect(health.status).toBe(200);
    const id = await postEvent(a, "redis-down");
    await expect.poll(() => received, { timeout: 5000 }).toContain(id);
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    // Redis back: cross-process delivery resumes.
    redis = await startPrivateRedis(redis.port);
    await expect.poll(async () => ((await (await fetch(`${b.url}/api/health`)).json()) as { status: string }).status, { timeout: 15_000 }).toBe("ok");
    onA.close();
  });
});
