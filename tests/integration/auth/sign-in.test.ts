// Sign-in, roles and the authenticated socket, against the real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, type AppServer, connected } from "../../helpers/app-server";

let t: TestDatabase;
let app: AppServer;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
});
afterAll(async () => {
  await app?.stop();
  await t?.drop();
});

async function trpc(path: string, cookie: string, input?: unknown) {
  const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await fetch(`${app.url}/api/trpc/${path}${qs}`, { headers: { cookie } });
  return { status: res.status, body: (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: { data: { code: string }; message: string } } } };
}

describe("health", () => {
  it("answers ok with the database up", async () => {
    const res = await fetch(`${app.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", db: "ok" });
  });
});

describe("sign-in", () => {
  it("each demo login works and carries its role", async () => {
    for (const [email, role] of [
      ["admin@throughline.test", "admin"],
      ["supervisor@throughline.test", "supervisor"],
      ["agent@throughline.test", "agent"],
    ] as const) {
      const session = await signIn(app.url, email);
      expect(session.ok, `${email} signs in`).toBe(true);
      const me = await trpc("me.get", session.cookie);
      expect(me.status).toBe(200);
      expect((me.body.result!.data.json as { role: string }).role).toBe(role);
    }
  });

  it("a wrong password gives a clear error and no session", async () => {
    const session = await signIn(app.url, "agent@throughline.test", "not-the-password");
    expect(session.ok).toBe(false);
    expect(session.error).toMatch(/wrong email or password/i);
    const me = await trpc("me.get", session.cookie);
    expect(me.status).toBe(401);
  });

  it("locks an account after repeated failures — from that address only, which a forged X-Forwarded-For cannot leave", async () => {
    const supervisor = await t.prisma.user.findUniqueOrThrow({ where: { email: "supervisor@throughline.test" } });
    try {
      for (let i = 0; i < 4; i++) expect((await signIn(app.url, "supervisor@throughline.test", `wrong-${i}`)).error).toMatch(/wrong email or password/i);
      const fifth = await signIn(app.url, "supervisor@throughline.test", "wrong-4");
      expect(fifth.error).toBe("Too many failed attempts from this address. Try again in 15 minutes.");
      // Even the right password is refused while locked…
      const session = await signIn(app.url, "supervisor@throughline.test");
      expect(session.ok).toBe(false);
      expect(session.error).toMatch(/too many failed attempts/i);
      // …and claiming another address does not help: without TRUST_PROXY the header is not believed.
      expect((await signIn(app.url, "supervisor@throughline.test", "throughline", { "x-forwarded-for": "192.0.2.99" })).ok).toBe(false);
    } finally {
      const admin = await signIn(app.url, "admin@throughline.test");
      const res = await fetch(`${app.url}/api/trpc/people.unlock`, { method: "POST", headers: { "content-type": "application/json", cookie: admin.cookie, "x-throughline-csrf": "1" }, body: JSON.stringify({ json: { id: supervisor.id } }) });
      expect(res.status).toBe(200);
    }
    expect((await signIn(app.url, "supervisor@throughline.test")).ok).toBe(true);
  });
});

describe("authorization", () => {
  it("refuses unauthenticated tRPC calls with UNAUTHORIZED", async () => {
    const res = await trpc("customer.list", "", {});
    expect(res.status).toBe(401);
    expect(res.body.error!.json.data.code).toBe("UNAUTHORIZED");
  });

  it("an agent calling a supervisor-only procedure gets FORBIDDEN", async () => {
    const agent = await signIn(app.url, "agent@throughline.test");
    const res = await trpc("supervisor.overview", agent.cookie);
    expect(res.status).toBe(403);
    expect(res.body.error!.json.data.code).toBe("FORBIDDEN");
    const supervisor = await signIn(app.url, "supervisor@throughline.test");
    expect((await trpc("supervisor.overview", supervisor.cookie)).status).toBe(200);
    // Admin-only settings are refused to supervisors too.
    expect((await trpc("settings.agents", supervisor.cookie)).status).toBe(403);
  });

  it("an agent does not see conversations of inboxes outside their teams", async () => {
    const billing = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "billing@throughline.test" } });
    const conv = await t.prisma.conversation.findFirst({ where: { inboxId: billing.id } });
    expect(conv, "the seed has a Billing conversation").not.toBeNull();
    const agent = await signIn(app.url, "agent@throughline.test");
    const res = await trpc("conversation.get", agent.cookie, { id: conv!.id });
    expect(res.status).toBe(404);
    const admin = await signIn(app.url, "admin@throughline.test");
    expect((await trpc("conversation.get", admin.cookie, { id: conv!.id })).status).toBe(200);
  });
});

describe("socket.io", () => {
  it("refuses an unauthenticated connection", async () => {
    const socket = connect(app.url, { transports: ["websocket"], reconnection: false });
    const error = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
    expect(error.message).toBe("unauthorized");
    socket.close();
  });

  it("accepts a connection with the session cookie", async () => {
    const agent = await signIn(app.url, "agent@throughline.test");
    const socket = connect(app.url, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie: agent.cookie } });
    await connected(socket);
    expect(socket.connected).toBe(true);
    socket.close();
  });
});

describe("abuse limits", () => {
  it("refuses a cookie-authenticated tRPC mutation without the CSRF header", async () => {
    const admin = await signIn(app.url, "admin@throughline.test");
    const body = JSON.stringify({ json: { id: "00000000-0000-7000-8000-000000000000" } });
    const forged = await fetch(`${app.url}/api/trpc/conversation.markRead`, { method: "POST", headers: { "content-type": "application/json", cookie: admin.cookie }, body });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("csrf");
    const genuine = await fetch(`${app.url}/api/trpc/conversation.markRead`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: admin.cookie, "x-throughline-csrf": "1" },
      body,
    });
    // Past the CSRF check: the procedure itself answers (no such conversation).
    expect(genuine.status).toBe(404);
  });

  // Last in this file: it uses up this address's sign-in budget on this server.
  it("rate-limits sign-in attempts per address with 429 and Retry-After", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 65; i++) {
      const res = await fetch(`${app.url}/api/auth/callback/credentials`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=nobody%40x.test&password=x" });
      statuses.push(res.status);
      await res.arrayBuffer();
      if (res.status === 429) {
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        break;
      }
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(60);
  });
});
