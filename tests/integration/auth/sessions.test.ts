// Trust at the edge, replayed as an attacker would against a default start:
// no published secret signs anything, the generated one survives a restart and
// is shared by two processes on one database, and an ended session is over on
// the next request and the next socket event, on every process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { io as connect, type Socket } from "socket.io-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { connected, signIn, startAppServer, type AppServer } from "../../helpers/app-server";
import { hashApiKey } from "@/server/api-keys/hash";

// What .env.example used to ship: anyone could read it.
const PUBLISHED_DEMO_SECRET = "dev-only-change-me-0123456789abcdef";
// A start without any secret of its own (NEXTAUTH_SECRET unset: the instance generates its root).
const NO_SECRETS = { NEXTAUTH_SECRET: "", DEMO_API_KEY: "", DEMO_INBOX_TOKEN: "", WIDGET_IDENTITY_SECRET: "", META_APP_SECRET: "", SESSION_SWEEP_SECONDS: "1" };

let t: TestDatabase;
let a: AppServer;
let b: AppServer;

async function me(app: AppServer, cookie: string) {
  const res = await fetch(`${app.url}/api/trpc/me.get`, { headers: { cookie } });
  const body = (await res.json()) as { result?: { data: { json: { userId: string; role: string } } } };
  return { status: res.status, viewer: body.result?.data.json };
}

async function signOut(app: AppServer, cookie: string) {
  const csrf = (await (await fetch(`${app.url}/api/auth/csrf`, { headers: { cookie } })).json()) as { csrfToken: string };
  const res = await fetch(`${app.url}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken: csrf.csrfToken, json: "true" }),
  });
  expect([200, 302]).toContain(res.status);
}

async function trpcMutation(app: AppServer, cookie: string, path: string, input: unknown) {
  const res = await fetch(`${app.url}/api/trpc/${path}`, { method: "POST", headers: { cookie, "content-type": "application/json", "x-throughline-csrf": "1" }, body: JSON.stringify({ json: input }) });
  return { status: res.status, body: (await res.json()) as { result?: { data: { json: unknown } } } };
}

async function trpcQuery<T>(app: AppServer, cookie: string, path: string, input: unknown): Promise<T> {
  const res = await fetch(`${app.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

function socketTo(app: AppServer, cookie: string): Socket {
  return connect(app.url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true });
}

beforeAll(async () => {
  t = await createTestDatabase();
  a = await startAppServer({ databaseUrl: t.url, env: NO_SECRETS });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await t?.drop();
});

describe("no published secret signs a session", () => {
  it("says at start-up that it generated its signing root, and stored it", async () => {
    expect(a.logs()).toMatch(/signing keys: generated a random root on first start/);
    const rows = await t.prisma.instanceSecret.findMany({ select: { name: true, value: true } });
    const root = rows.find((r) => r.name === "root");
    expect(root?.value.length).toBeGreaterThanOrEqual(64);
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(["env:DEMO_API_KEY", "env:WIDGET_IDENTITY_SECRET", "env:META_APP_SECRET"]));
    expect(rows.every((r) => !r.value.includes("demo") && !r.value.includes("change-me"))).toBe(true);
  });

  it("refuses an admin cookie forged with the old .env.example value (401)", async () => {
    const admin = await t.prisma.user.findFirstOrThrow({ where: { role: "admin" } });
    for (const cookieName of ["next-auth.session-token", "__Secure-next-auth.session-token"]) {
      const forged = await encode({ token: { uid: admin.id, role: "admin", signedInAt: Date.now() }, secret: PUBLISHED_DEMO_SECRET });
      expect((await me(a, `${cookieName}=${forged}`)).status).toBe(401);
    }
  });

  it("refuses a cookie forged even with the real root: the session key is derived per purpose, and the cookie must name a live session", async () => {
    const admin = await t.prisma.user.findFirstOrThrow({ where: { role: "admin" } });
    const root = (await t.prisma.instanceSecret.findUniqueOrThrow({ where: { name: "root" } })).value;
    const forged = await encode({ token: { uid: admin.id, role: "admin", signedInAt: Date.now() }, secret: root });
    expect((await me(a, `next-auth.session-token=${forged}`)).status).toBe(401);
  });

  it("refuses to start with a published demo value as a secret", async () => {
    const t2 = await createTestDatabase();
    try {
      await expect(startAppServer({ databaseUrl: t2.url, env: { NEXTAUTH_SECRET: PUBLISHED_DEMO_SECRET } })).rejects.toThrow(/NEXTAUTH_SECRET: it is a published demo value/);
    } finally {
      await t2.drop();
    }
  });
});

describe("the generated root survives a restart and is shared by a second process", () => {
  let cookie: string;

  it("a session made before a restart still works after it, and on a second process on the same database", async () => {
    const session = await signIn(a.url, "admin@throughline.test");
    expect(session.ok).toBe(true);
    cookie = session.cookie;
    expect((await me(a, cookie)).viewer?.role).toBe("admin");

    const rootBefore = (await t.prisma.instanceSecret.findUniqueOrThrow({ where: { name: "root" } })).value;
    // What earlier versions registered on every demo start: the published demo key, full access.
    const published = "tl_demo_api_key_change_me";
    await t.prisma.apiKey.create({ data: { name: "Demo API key (DEMO_API_KEY)", prefix: published.slice(0, 10), keyHash: hashApiKey(published), scopes: ["*"] } });
    await a.stop();
    a = await startAppServer({ databaseUrl: t.url, env: NO_SECRETS });
    expect(a.logs()).toMatch(/signing keys: this instance's generated root/);
    b = await startAppServer({ databaseUrl: t.url, env: NO_SECRETS });
    expect((await t.prisma.instanceSecret.findUniqueOrThrow({ where: { name: "root" } })).value).toBe(rootBefore);

    expect((await me(a, cookie)).viewer?.role).toBe("admin");
    expect((await me(b, cookie)).viewer?.role).toBe("admin");

    // The upgrade retired the published key.
    expect(a.logs()).toMatch(/revoked 1 API key made from a published demo value/);
    const res = await fetch(`${a.url}/api/v1/customers?email=anyone@example.test`, { headers: { authorization: `Bearer ${published}` } });
    expect(res.status).toBe(401);
  });
});

describe("signing out ends the session", () => {
  it("the old cookie answers 401 afterwards on both processes, and socket.io refuses it on the second", async () => {
    const session = await signIn(a.url, "agent@throughline.test");
    expect((await me(b, session.cookie)).status).toBe(200);

    // A console tab on process B, connected before the sign-out on process A.
    const live = socketTo(b, session.cookie);
    await connected(live);
    const dropped = new Promise<string>((resolve) => live.once("disconnect", (reason) => resolve(reason)));

    await signOut(a, session.cookie);
    const row = await t.prisma.userSession.findFirstOrThrow({ where: { user: { email: "agent@throughline.test" } }, orderBy: { createdAt: "desc" } });
    expect(row.revokedReason).toBe("signed_out");

    expect((await me(a, session.cookie)).status).toBe(401);
    expect((await me(b, session.cookie)).status).toBe(401);
    // next-auth's own session endpoint agrees (it would answer from the JWT alone) and clears the cookie.
    const probe = await fetch(`${b.url}/api/auth/session`, { headers: { cookie: session.cookie } });
    expect(await probe.json()).toEqual({});
    expect(probe.headers.getSetCookie().join()).toMatch(/next-auth\.session-token=;.*Max-Age=0/);
    // The open socket's next event is refused and the socket is closed (no Redis here: B learns it from the row).
    live.emit("subscribe", { allInboxes: true });
    expect(await dropped).toBe("io server disconnect");
    // A new handshake with the old cookie is refused.
    const again = socketTo(b, session.cookie);
    await expect(connected(again)).rejects.toThrow(/unauthorized/);
    again.close();
    live.close();
  });
});

describe("an ended session's sockets get nothing more", () => {
  it("a socket that only listens is dropped once its session ends, with no event of its own", async () => {
    const session = await signIn(a.url, "agent@throughline.test");
    const listening = socketTo(a, session.cookie);
    await connected(listening);
    const dropped = new Promise<string>((resolve) => listening.once("disconnect", resolve));
    // Ended behind this process's back (as if the notice from another process were lost).
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    await t.prisma.userSession.updateMany({ where: { userId: agent.id, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: "ended_by_admin" } });
    expect(await dropped).toBe("io server disconnect");
    listening.close();
  });

  it("a socket that drops and reconnects after its session ended is not recovered: no missed event is replayed", async () => {
    const admin = await signIn(a.url, "admin@throughline.test");
    const session = await signIn(a.url, "supervisor@throughline.test");
    const sup = await t.prisma.user.findUniqueOrThrow({ where: { email: "supervisor@throughline.test" } });
    const socket = connect(a.url, { transports: ["websocket"], extraHeaders: { cookie: session.cookie }, reconnectionDelay: 300, reconnectionDelayMax: 300 });
    await connected(socket);
    expect(((await socket.emitWithAck("subscribe", { allInboxes: true })) as { ok: boolean }).ok).toBe(true);
    const pushed: string[] = [];
    socket.onAny((event: string) => pushed.push(event));
    const refused = new Promise<string>((resolve) => socket.on("connect_error", (e) => resolve(e.message)));
    const dropped = new Promise<void>((resolve) => socket.once("disconnect", () => resolve()));
    // The connection breaks (not a clean close): socket.io would recover it and replay what it missed.
    (socket.io.engine as unknown as { transport: { ws: { _socket: { destroy(): void } } } }).transport.ws._socket.destroy();
    await dropped;
    expect((await trpcMutation(a, admin.cookie, "people.endSessions", { id: sup.id })).status).toBe(200);
    const mail = await fetch(`${a.url}/api/inbound/email`, {
      method: "POST",
      headers: { authorization: `Bearer ${(await t.prisma.instanceSecret.findUniqueOrThrow({ where: { name: "env:DEMO_INBOX_TOKEN" } })).value}`, "content-type": "message/rfc822" },
      body: ["From: Eve <eve@example.test>", "To: support@throughline.test", "Subject: sent while the tab was away", `Message-ID: <${Date.now()}@example.test>`, "", "Hello."].join("\r\n"),
    });
    expect(mail.status).toBe(202);
    expect(await refused).toBe("unauthorized");
    socket.close();
    expect(pushed).toEqual([]);
  });
});

describe("an admin sees a person's sessions and ends them", () => {
  it("lists the agent's live sessions with device and address; ending one signs that tab out at once", async () => {
    const admin = await signIn(a.url, "admin@throughline.test");
    const agentTab1 = await signIn(a.url, "agent@throughline.test");
    const agentTab2 = await signIn(b.url, "agent@throughline.test");
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });

    const sessions = await trpcQuery<{ id: string; ip: string | null; userAgent: string | null }[]>(a, admin.cookie, "people.sessions", { id: agent.id });
    expect(sessions.length).toBe(2);
    expect(sessions.every((s) => s.ip === "127.0.0.1" || s.ip === "::1" || s.ip === "::ffff:127.0.0.1")).toBe(true);

    const tab1 = (await t.prisma.userSession.findFirstOrThrow({ where: { userId: agent.id, revokedAt: null }, orderBy: { createdAt: "asc" } })).id;
    const ended = await trpcMutation(a, admin.cookie, "people.endSessions", { id: agent.id, sessionId: tab1 });
    expect(ended.status).toBe(200);
    expect((await me(b, agentTab1.cookie)).status).toBe(401);
    expect((await me(b, agentTab2.cookie)).status).toBe(200);

    // "End all" (the same as what deactivation and a password reset do).
    expect((await trpcMutation(b, admin.cookie, "people.endSessions", { id: agent.id })).status).toBe(200);
    expect((await me(a, agentTab2.cookie)).status).toBe(401);
    expect(await trpcQuery<unknown[]>(a, admin.cookie, "people.sessions", { id: agent.id })).toEqual([]);
    const audit = await t.prisma.auditLog.findMany({ where: { targetId: agent.id, action: { in: ["user.session_ended", "user.sessions_ended"] } } });
    expect(audit.map((r) => r.action).sort()).toEqual(["user.session_ended", "user.sessions_ended"]);
  });

  it("agents cannot list or end anyone's sessions", async () => {
    const agent = await signIn(a.url, "agent@throughline.test");
    const admin = await t.prisma.user.findFirstOrThrow({ where: { role: "admin" } });
    const res = await fetch(`${a.url}/api/trpc/people.sessions?input=${encodeURIComponent(JSON.stringify({ json: { id: admin.id } }))}`, { headers: { cookie: agent.cookie } });
    expect(res.status).toBe(403);
    expect((await trpcMutation(a, agent.cookie, "people.endSessions", { id: admin.id })).status).toBe(403);
  });

  it("a password reset ends every session of the person", async () => {
    const admin = await signIn(a.url, "admin@throughline.test");
    const since = new Date();
    const sup = await signIn(b.url, "supervisor@throughline.test");
    const supUser = await t.prisma.user.findUniqueOrThrow({ where: { email: "supervisor@throughline.test" } });
    expect((await trpcMutation(a, admin.cookie, "people.resetPassword", { id: supUser.id, password: "a-new-long-password" })).status).toBe(200);
    expect((await me(b, sup.cookie)).status).toBe(401);
    const rows = await t.prisma.userSession.findMany({ where: { userId: supUser.id, createdAt: { gte: since } } });
    expect(rows.map((r) => r.revokedReason)).toEqual(["password_reset"]);
  });
});

describe("Secure cookies over https", () => {
  it("PUBLIC_URL https → the session cookie is __Secure- prefixed and Secure; a plain-named cookie is ignored", async () => {
    const t3 = await createTestDatabase();
    const https = await startAppServer({ databaseUrl: t3.url, env: { PUBLIC_URL: "https://help.example.com" } });
    try {
      const csrfRes = await fetch(`${https.url}/api/auth/csrf`);
      const csrfCookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
      const res = await fetch(`${https.url}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
        body: new URLSearchParams({ csrfToken, email: "agent@throughline.test", password: "throughline", json: "true" }),
      });
      const session = res.headers.getSetCookie().find((c) => c.includes("session-token="));
      expect(session).toMatch(/^__Secure-next-auth\.session-token=/);
      expect(session).toMatch(/;\s*Secure/i);
      expect(session).toMatch(/;\s*HttpOnly/i);
      const value = session!.split(";")[0]!.split("=").slice(1).join("=");
      expect((await me(https, `__Secure-next-auth.session-token=${value}`)).status).toBe(200);
      expect((await me(https, `next-auth.session-token=${value}`)).status).toBe(401);
    } finally {
      await https.stop();
      await t3.drop();
    }
  });
});
