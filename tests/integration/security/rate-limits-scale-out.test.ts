// Rate limits across processes. Two app servers on one PostgreSQL and one
// private redis-server (so stopping it harms nothing): the per-IP sign-in
// limit, the per-API-key limit and a widget visitor's limits count hits on both
// processes together; with Redis gone each process keeps limiting on its own.
// One more server without Redis checks the per-key limit itself: 429 +
// Retry-After, other keys unaffected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";
import { startPrivateRedis, withoutRedisServer, type PrivateRedis } from "../../helpers/redis";
import { hashApiKey } from "../../../src/server/api-keys/hash";
import { RATE_LIMITS } from "../../../src/server/channels/widget/protocol";
import { connectVisitor, request } from "../../fixtures/widget/visitor";

const SIGN_IN_LIMIT = 60; // src/server/security/abuse.ts
const KEY_LIMIT = 10;

async function newApiKey(t: TestDatabase, name: string) {
  const key = `tl_test_${randomBytes(12).toString("hex")}`;
  await t.prisma.apiKey.create({ data: { name, prefix: key.slice(0, 10), keyHash: hashApiKey(key), scopes: ["*"] } });
  return key;
}

function getCustomers(app: AppServer, key: string) {
  return fetch(`${app.url}/api/v1/customers?email=nobody%40example.com`, { headers: { authorization: `Bearer ${key}` } });
}

function signInAttempt(app: AppServer) {
  return fetch(`${app.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "email=nobody%40x.test&password=x",
  });
}

/** Sends up to max requests (round robin over the apps) until the first 429; returns how many passed and the 429. */
async function untilLimited(apps: AppServer[], send: (app: AppServer) => Promise<Response>, max: number) {
  let passed = 0;
  for (let i = 0; i < max; i++) {
    const res = await send(apps[i % apps.length]!);
    if (res.status === 429) return { passed, limited: res };
    await res.arrayBuffer();
    passed++;
  }
  return { passed, limited: undefined };
}

async function expectRateLimited(res: Response | undefined) {
  expect(res?.status).toBe(429);
  expect(Number(res!.headers.get("retry-after"))).toBeGreaterThan(0);
  const body = (await res!.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("rate_limited");
  expect(body.error.message).toMatch(/Try again in \d+ s/);
}

describe.skipIf(withoutRedisServer())("rate limits shared through Redis (a private redis-server)", () => {
  let t: TestDatabase;
  let redis: PrivateRedis;
  let a: AppServer;
  let b: AppServer;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await createTestDatabase();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `tltest-rl-${randomBytes(4).toString("hex")}`, API_KEY_RATE_LIMIT: String(KEY_LIMIT) };
    a = await startAppServer({ databaseUrl: t.url, env });
    b = await startAppServer({ databaseUrl: t.url, env });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    redis?.stop();
    await t?.drop();
  });

  it("sign-in attempts from one address split between processes trip at the one limit", async () => {
    const { passed, limited } = await untilLimited([a, b], signInAttempt, SIGN_IN_LIMIT * 2);
    expect(passed).toBe(SIGN_IN_LIMIT);
    await expectRateLimited(limited);
    // Both processes now refuse this address.
    for (const app of [a, b]) expect((await signInAttempt(app)).status).toBe(429);
  });

  it("an API key's requests split between processes trip at the one limit; other keys are unaffected", async () => {
    const key = await newApiKey(t, "busy integration");
    const { passed, limited } = await untilLimited([a, b], (app) => getCustomers(app, key), KEY_LIMIT * 2);
    expect(passed).toBe(KEY_LIMIT);
    await expectRateLimited(limited);
    expect((await getCustomers(b, key)).status).toBe(429);
    for (const app of [a, b]) expect((await getCustomers(app, TEST_SECRETS.DEMO_API_KEY)).status).toBe(200);
  });

  it("a widget visitor's limit follows them to another process", async () => {
    const limit = RATE_LIMITS.history.max;
    const first = await connectVisitor(a.url, { inbox: "demo-widget" });
    for (let i = 0; i < limit - 5; i++) expect((await request(first, "history", {})).ok).toBe(true);
    first.close();
    // The same visitor reconnects to the other process: only the rest of the window is left.
    const again = await connectVisitor(b.url, { inbox: "demo-widget", visitorId: first.session.visitorId, visitorToken: first.session.visitorToken });
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await request(again, "history", {}));
    again.close();
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, false, false, false, false, false]);
    expect(results[5]).toMatchObject({ error: "rate_limited", message: "Slow down a little." });
    expect(results[5]!.retryAfter).toBeGreaterThan(0);
  });

  // Last: it stops Redis.
  it("with Redis down each process keeps limiting on its own", async () => {
    redis.stop();
    await expect.poll(async () => ((await (await fetch(`${a.url}/api/health`)).json()) as { status: string }).status, { timeout: 10_000 }).toBe("degraded");

    // A fresh key: each process allows the limit by itself, then refuses.
    const key = await newApiKey(t, "integration during an outage");
    for (const app of [a, b]) {
      const { passed, limited } = await untilLimited([app], (x) => getCustomers(x, key), KEY_LIMIT * 2);
      expect(passed).toBe(KEY_LIMIT);
      await expectRateLimited(limited);
    }
    // Sign-in attempts: counted again from zero per process, still capped.
    const { passed, limited } = await untilLimited([a], signInAttempt, SIGN_IN_LIMIT * 2);
    expect(passed).toBe(SIGN_IN_LIMIT);
    await expectRateLimited(limited);
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
  });
});

describe("per-API-key limit on one process (no Redis)", () => {
  let t: TestDatabase;
  let app: AppServer;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startAppServer({ databaseUrl: t.url, env: { API_KEY_RATE_LIMIT: "5" } });
  });
  afterAll(async () => {
    await app?.stop();
    await t?.drop();
  });

  it("answers 429 with Retry-After past the limit, for that key only, on every endpoint", async () => {
    const busy = await newApiKey(t, "busy");
    const quiet = await newApiKey(t, "quiet");
    const { passed, limited } = await untilLimited([app], (x) => getCustomers(x, busy), 20);
    expect(passed).toBe(5);
    await expectRateLimited(limited);
    // The limit is per key, not per endpoint.
    const events = await fetch(`${app.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${busy}`, "content-type": "application/json" },
      body: JSON.stringify({ customer: { email: "rate@example.com" }, name: "custom" }),
    });
    await expectRateLimited(events);
    // Another key (same address) is untouched; an invalid key is still a 401, not a 429.
    expect((await getCustomers(app, quiet)).status).toBe(200);
    expect((await getCustomers(app, "tl_not_a_key_0000000000")).status).toBe(401);
  });
});
