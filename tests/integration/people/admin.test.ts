// Settings → People, Teams and API keys against the real app: an admin
// creates someone who can then sign in; deactivation ends their session, REST
// and socket access at once; team changes drop the affected agents' sockets so
// the reconnect sees only what they may still see; the last active admin stays
// an admin; every change is audited without secrets; API keys work until
// revoked and are never stored or logged in clear.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, type AppServer } from "../../helpers/app-server";
import { disconnectDb } from "@/server/db";
import { createUser, setUserActive, updateUser } from "@/server/people/users";
import { PeopleError } from "@/server/people/errors";
import { MACHINE_REDIS_URL, withoutMachineRedis } from "../../helpers/redis";

let t: TestDatabase;
let app: AppServer;
let admin: { id: string; cookie: string };
const open: Socket[] = [];

type Answer = { status: number; data?: any; message?: string; code?: string };
async function answer(res: Response): Promise<Answer> {
  const body = (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: { message: string; data: { code: string } } } };
  return { status: res.status, data: body.result?.data.json, message: body.error?.json.message, code: body.error?.json.data.code };
}
async function query(path: string, cookie: string, input?: unknown) {
  const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return answer(await fetch(`${app.url}/api/trpc/${path}${qs}`, { headers: { cookie } }));
}
async function mutate(path: string, cookie: string, input: unknown) {
  return answer(
    await fetch(`${app.url}/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-throughline-csrf": "1", cookie },
      body: JSON.stringify({ json: input }),
    }),
  );
}

function socketOf(cookie: string): Socket {
  const s = connect(app.url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { cookie } });
  open.push(s);
  return s;
}
function connected(s: Socket): Promise<"connected" | string> {
  return new Promise((resolve) => {
    s.once("connect", () => resolve("connected"));
    s.once("connect_error", (e) => resolve(e.message));
  });
}
function disconnected(s: Socket): Promise<string> {
  return new Promise((resolve) => s.once("disconnect", (reason) => resolve(reason)));
}
const subscribe = (s: Socket, payload: unknown) => s.timeout(10_000).emitWithAck("subscribe", payload) as Promise<{ ok: boolean; error?: string }>;

let n = 0;
async function newAgent(teamIds: string[] = []) {
  const email = `person${++n}.${Date.now()}@example.test`;
  const password = `initial-pass-${n}-xyz`;
  const created = await mutate("people.create", admin.cookie, { name: `Person ${n}`, email, role: "agent", teamIds, password });
  expect(created.status, created.message).toBe(200);
  return { id: created.data.id as string, email, password };
}

beforeAll(async () => {
  t = await useTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  const session = await signIn(app.url, "admin@throughline.test");
  expect(session.ok).toBe(true);
  admin = { id: (await t.prisma.user.findUniqueOrThrow({ where: { email: "admin@throughline.test" } })).id, cookie: session.cookie };
});
afterAll(async () => {
  for (const s of open) s.close();
  await app?.stop();
  await disconnectDb();
  await t?.drop();
});

describe("people", () => {
  it("an admin creates a person with a role, teams and an initial password; they can sign in with it", async () => {
    const support = await t.prisma.team.findUniqueOrThrow({ where: { name: "Support" } });
    const weak = await mutate("people.create", admin.cookie, { name: "Weak", email: "weak@example.test", role: "agent", password: "short" });
    expect(weak.status).toBe(400);
    expect(JSON.stringify(weak)).toContain("Use at least 10 characters for the password.");
    expect(await t.prisma.user.count({ where: { email: "weak@example.test" } })).toBe(0);

    const p = await newAgent([support.id]);
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id: p.id }, include: { teams: true } });
    expect(row.role).toBe("agent");
    expect(row.teams.map((x) => x.teamId)).toEqual([support.id]);
    expect(row.passwordHash).toMatch(/^\$2[aby]\$10\$/);

    const session = await signIn(app.url, p.email.toUpperCase(), p.password);
    expect(session.ok).toBe(true);
    const me = await query("me.get", session.cookie);
    expect(me.data).toMatchObject({ userId: p.id, role: "agent", teamIds: [support.id] });

    const dup = await mutate("people.create", admin.cookie, { name: "Dup", email: p.email, role: "agent", password: "another-password-1" });
    expect(dup.status).toBe(409);
    expect(dup.message).toContain("already signs in as");

    const listed = await query("people.list", admin.cookie);
    expect(listed.data.find((u: { id: string }) => u.id === p.id)).toMatchObject({ email: p.email, role: "agent", teams: [{ id: support.id, name: "Support" }], deactivatedAt: null });
    // Plain agents cannot manage people.
    expect((await mutate("people.create", session.cookie, { name: "X", email: "x@example.test", role: "admin", password: "0123456789ab" })).status).toBe(403);
  });

  it("deactivation refuses sign-in, ends the existing session (cookie 401) and drops the open socket for good; reactivation restores sign-in, not the old session", async () => {
    const p = await newAgent();
    const session = await signIn(app.url, p.email, p.password);
    expect(session.ok).toBe(true);
    expect((await query("me.get", session.cookie)).status).toBe(200);
    const s = socketOf(session.cookie);
    expect(await connected(s)).toBe("connected");

    const dropped = disconnected(s);
    expect((await mutate("people.setActive", admin.cookie, { id: p.id, active: false })).status).toBe(200);
    // "io server disconnect": the server dropped it (the console then reconnects by itself).
    expect(await dropped).toBe("io server disconnect");
    s.connect();
    expect(await connected(s)).toBe("unauthorized");
    expect((await query("me.get", session.cookie)).status).toBe(401);
    expect((await signIn(app.url, p.email, p.password)).ok).toBe(false);

    expect((await mutate("people.setActive", admin.cookie, { id: p.id, active: true })).status).toBe(200);
    const again = await signIn(app.url, p.email, p.password);
    expect(again.ok).toBe(true);
    expect((await query("me.get", again.cookie)).status).toBe(200);
    // Deactivation ended the old session for good: reactivating does not bring it back.
    expect((await query("me.get", session.cookie)).status).toBe(401);
  });

  it("resetting a password replaces it (the old one stops working) and lifts a lockout", async () => {
    const p = await newAgent();
    for (let i = 0; i < 5; i++) await signIn(app.url, p.email, `wrong-${i}`);
    expect((await signIn(app.url, p.email, p.password)).error).toMatch(/too many failed attempts/i);
    const tooShort = await mutate("people.resetPassword", admin.cookie, { id: p.id, password: "123" });
    expect(tooShort.status).toBe(400);
    expect((await mutate("people.resetPassword", admin.cookie, { id: p.id, password: "a-brand-new-password" })).status).toBe(200);
    expect((await signIn(app.url, p.email, p.password)).ok).toBe(false);
    expect((await signIn(app.url, p.email, "a-brand-new-password")).ok).toBe(true);
  });

  it("resetting a password ends every session signed in before it (cookies and sockets); new sign-ins work", async () => {
    const p = await newAgent();
    const before = await signIn(app.url, p.email, p.password);
    expect((await query("me.get", before.cookie)).status).toBe(200);
    const socket = socketOf(before.cookie);
    expect(await connected(socket)).toBe("connected");
    const dropped = disconnected(socket);
    expect((await mutate("people.resetPassword", admin.cookie, { id: p.id, password: "after-the-leak-123" })).status).toBe(200);
    expect(await dropped).toBe("io server disconnect");
    expect((await query("me.get", before.cookie)).status).toBe(401);
    // The old cookie cannot open a socket either.
    expect(await connected(socketOf(before.cookie))).toBe("unauthorized");
    const after = await signIn(app.url, p.email, "after-the-leak-123");
    expect(after.ok).toBe(true);
    expect((await query("me.get", after.cookie)).status).toBe(200);
  });
});

describe("access changes reach open sockets at once", () => {
  it("removing an agent from the team that owns an inbox drops their socket; after reconnecting that inbox's conversation is not found", async () => {
    const inbox = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
    const conv = await t.prisma.conversation.findFirstOrThrow({ where: { inboxId: inbox.id }, select: { id: true } });
    const p = await newAgent();
    const team = await mutate("people.createTeam", admin.cookie, { name: "Escalations", inboxIds: [inbox.id], memberIds: [p.id] });
    expect(team.status, team.message).toBe(200);

    const session = await signIn(app.url, p.email, p.password);
    const s = socketOf(session.cookie);
    expect(await connected(s)).toBe("connected");
    expect(await subscribe(s, { conversationId: conv.id })).toEqual({ ok: true });
    expect(await subscribe(s, { inboxId: inbox.id })).toEqual({ ok: true });

    const dropped = disconnected(s);
    expect((await mutate("people.updateTeam", admin.cookie, { id: team.data.id, memberIds: [] })).status).toBe(200);
    expect(await dropped).toBe("io server disconnect");
    s.connect();
    expect(await connected(s)).toBe("connected");
    expect(await subscribe(s, { conversationId: conv.id })).toEqual({ ok: false, error: "not found" });
    expect(await subscribe(s, { inboxId: inbox.id })).toEqual({ ok: false, error: "not found" });
  });

  it("taking an inbox away from a team drops its members' sockets; granting it back lets them subscribe again", async () => {
    const inbox = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
    const p = await newAgent();
    const team = await mutate("people.createTeam", admin.cookie, { name: "Night shift", inboxIds: [inbox.id], memberIds: [p.id] });
    const session = await signIn(app.url, p.email, p.password);
    const s = socketOf(session.cookie);
    expect(await connected(s)).toBe("connected");
    expect(await subscribe(s, { inboxId: inbox.id })).toEqual({ ok: true });

    let dropped = disconnected(s);
    expect((await mutate("people.updateTeam", admin.cookie, { id: team.data.id, inboxIds: [] })).status).toBe(200);
    expect(await dropped).toBe("io server disconnect");
    s.connect();
    expect(await connected(s)).toBe("connected");
    expect(await subscribe(s, { inboxId: inbox.id })).toEqual({ ok: false, error: "not found" });

    dropped = disconnected(s);
    expect((await mutate("people.update", admin.cookie, { id: p.id, role: "supervisor" })).status).toBe(200);
    expect(await dropped).toBe("io server disconnect");
    s.connect();
    expect(await connected(s)).toBe("connected");
    expect(await subscribe(s, { inboxId: inbox.id })).toEqual({ ok: true });
  });

  it("a rename changes no one's access and drops no socket", async () => {
    const p = await newAgent();
    const team = await mutate("people.createTeam", admin.cookie, { name: "Rename me", memberIds: [p.id] });
    const session = await signIn(app.url, p.email, p.password);
    const s = socketOf(session.cookie);
    expect(await connected(s)).toBe("connected");
    let reason: string | null = null;
    s.on("disconnect", (r) => (reason = r));
    expect((await mutate("people.updateTeam", admin.cookie, { id: team.data.id, name: "Renamed" })).status).toBe(200);
    // A round trip on the same socket after the change was committed and published.
    expect(await subscribe(s, { allInboxes: true })).toEqual({ ok: true });
    expect(reason).toBeNull();
    expect(s.connected).toBe(true);
    const dup = await mutate("people.createTeam", admin.cookie, { name: "Renamed" });
    expect(dup.status).toBe(409);
  });
});

describe.skipIf(await withoutMachineRedis())(`access changes across processes (Redis at ${MACHINE_REDIS_URL})`, () => {
  let ra: AppServer;
  let rb: AppServer;
  beforeAll(async () => {
    // Two more processes sharing the machine's Redis under a private prefix.
    const env = { REDIS_URL: MACHINE_REDIS_URL, REDIS_KEY_PREFIX: `tl-people-${process.pid}-${Date.now()}` };
    [ra, rb] = await Promise.all([startAppServer({ databaseUrl: t.url, env }), startAppServer({ databaseUrl: t.url, env })]);
  });
  afterAll(async () => {
    await Promise.all([ra?.stop(), rb?.stop()]);
  });

  it("a change made on one process drops the user's socket on another; the deactivated user's reconnect there is refused", async () => {
    const inbox = await t.prisma.inbox.findUniqueOrThrow({ where: { publicId: "support@throughline.test" } });
    const p = await newAgent();
    const team = await mutate("people.createTeam", admin.cookie, { name: "Scale-out", inboxIds: [inbox.id], memberIds: [p.id] });
    const adminOnA = await signIn(ra.url, "admin@throughline.test");
    const session = await signIn(rb.url, p.email, p.password);
    const s = connect(rb.url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { cookie: session.cookie } });
    open.push(s);
    expect(await connected(s)).toBe("connected");
    expect(await subscribe(s, { inboxId: inbox.id })).toEqual({ ok: true });

    let dropped = disconnected(s);
    const viaA = await fetch(`${ra.url}/api/trpc/people.updateTeam`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-throughline-csrf": "1", cookie: adminOnA.cookie },
      body: JSON.stringify({ json: { id: team.data.id, memberIds: [] } }),
    });
    expect(viaA.status).toBe(200);
    expect(await dropped).toBe("io server disconnect");
    s.connect();
    expect(await connected(s)).toBe("connected");
    expect(await subscribe(s, { inboxId: inbox.id })).toEqual({ ok: false, error: "not found" });

    dropped = disconnected(s);
    const off = await fetch(`${ra.url}/api/trpc/people.setActive`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-throughline-csrf": "1", cookie: adminOnA.cookie },
      body: JSON.stringify({ json: { id: p.id, active: false } }),
    });
    expect(off.status).toBe(200);
    expect(await dropped).toBe("io server disconnect");
    s.connect();
    expect(await connected(s)).toBe("unauthorized");
  });

  it("an API key revoked on one process stops working on the other at once, not after its verification cache expires", async () => {
    const adminOnA = await signIn(ra.url, "admin@throughline.test");
    const created = await fetch(`${ra.url}/api/trpc/apiKeys.create`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-throughline-csrf": "1", cookie: adminOnA.cookie },
      body: JSON.stringify({ json: { name: "Cross-process", scopes: ["customers:read"] } }),
    }).then((r) => r.json() as Promise<{ result: { data: { json: { id: string; key: string } } } }>);
    const { id, key } = created.result.data.json;
    const lookUp = () => fetch(`${rb.url}/api/v1/customers?email=nobody%40example.test`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    expect(await lookUp()).toBe(200); // now in B's 10 s verification cache
    const revoked = await fetch(`${ra.url}/api/trpc/apiKeys.revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-throughline-csrf": "1", cookie: adminOnA.cookie },
      body: JSON.stringify({ json: { id } }),
    });
    expect(revoked.status).toBe(200);
    await expect.poll(lookUp, { timeout: 3_000, interval: 50 }).toBe(401);
  });
});

describe("the last active admin", () => {
  it("cannot be demoted or deactivated, by themselves or anyone; deactivated admins do not count", async () => {
    const self = await mutate("people.update", admin.cookie, { id: admin.id, role: "agent" });
    expect(self.status).toBe(400);
    expect(self.message).toBe("You are the last active admin: make someone else an admin first.");
    const off = await mutate("people.setActive", admin.cookie, { id: admin.id, active: false });
    expect(off.status).toBe(400);
    expect(off.message).toBe("You are the last active admin: make someone else an admin first.");

    const other = await createUser({ name: "Second Admin", email: "second.admin@example.test", role: "admin", teamIds: [], password: "second-admin-pass" }, admin.id);
    await setUserActive(other.id, false, admin.id); // fine: the seeded admin remains
    await expect(updateUser(admin.id, { role: "supervisor" }, admin.id)).rejects.toThrow(PeopleError);
    await expect(setUserActive(admin.id, false, other.id)).rejects.toThrow("This is the last active admin");
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("admin");
    // With a second active admin, demoting either one works.
    await setUserActive(other.id, true, admin.id);
    await updateUser(other.id, { role: "agent" }, admin.id);
    expect(await t.prisma.user.count({ where: { role: "admin", deactivatedAt: null } })).toBe(1);
  });
});

describe("audit", () => {
  it("records every change with its actor and no secret", async () => {
    const rows = await t.prisma.auditLog.findMany({ where: { targetType: { in: ["user", "team"] }, action: { startsWith: "user." } } });
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ["user.created", "user.updated", "user.deactivated", "user.reactivated", "user.password_reset"]) expect(actions, a).toContain(a);
    const teamActions = new Set((await t.prisma.auditLog.findMany({ where: { targetType: "team" } })).map((r) => r.action));
    for (const a of ["team.created", "team.renamed", "team.inboxes_changed", "team.members_changed"]) expect(teamActions, a).toContain(a);
    const byAdmin = await t.prisma.auditLog.findFirstOrThrow({ where: { action: "user.updated", data: { path: ["role", "to"], equals: "supervisor" } } });
    expect(byAdmin.actorUserId).toBe(admin.id);
    const all = JSON.stringify(await t.prisma.auditLog.findMany());
    expect(all).not.toMatch(/initial-pass-|a-brand-new-password|second-admin-pass|\$2[aby]\$/);
  });
});

describe("API keys", () => {
  it("create → works on /api/v1/events; revoke → 401 at once; the key is never stored or logged in clear", async () => {
    const bad = await mutate("apiKeys.create", admin.cookie, { name: "Everything", scopes: ["*"] });
    expect(bad.status).toBe(400);
    const none = await mutate("apiKeys.create", admin.cookie, { name: "Nothing", scopes: [] });
    expect(JSON.stringify(none)).toContain("Choose at least one scope.");

    const created = await mutate("apiKeys.create", admin.cookie, { name: "Billing sync", scopes: ["events:write"] });
    expect(created.status, created.message).toBe(200);
    const key = created.data.key as string;
    expect(key).toMatch(/^tl_/);
    const send = () =>
      fetch(`${app.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ customer: { email: "keyed@customer.test" }, name: "plan_upgraded" }),
      });
    expect((await send()).status).toBe(202);
    // Scoped: this key cannot read customers.
    expect((await fetch(`${app.url}/api/v1/customers?email=keyed@customer.test`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(403);

    const listed = (await query("apiKeys.list", admin.cookie)).data as { id: string; name: string; prefix: string; scopes: string[]; createdBy: { name: string }; lastUsedAt: string | null; key?: string }[];
    const row = listed.find((k) => k.id === created.data.id)!;
    expect(row).toMatchObject({ name: "Billing sync", prefix: key.slice(0, 10), scopes: ["events:write"], createdBy: { name: "Maya Lindqvist" } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(key);

    const revoke = await mutate("apiKeys.revoke", admin.cookie, { id: created.data.id });
    expect(revoke.status).toBe(200);
    // Within the 10 s verification cache: revocation is immediate in the process that revoked.
    expect((await send()).status).toBe(401);
    expect((await mutate("apiKeys.revoke", admin.cookie, { id: created.data.id })).status).toBe(404);

    const audit = await t.prisma.auditLog.findMany({ where: { targetType: "api_key", targetId: created.data.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["api_key.created", "api_key.revoked"]);
    expect(audit[0]!.actorUserId).toBe(admin.id);
    expect(audit[0]!.data).toMatchObject({ prefix: key.slice(0, 10), scopes: ["events:write"] });

    // Every row of every table, as text.
    const tables = await t.prisma.$queryRaw<{ table_name: string }[]>`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    expect(tables.length).toBeGreaterThan(10);
    for (const { table_name } of tables) {
      const [hit] = await t.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table_name}" x WHERE x::text LIKE $1`, `%${key.slice(10)}%`);
      expect(hit!.n, `the key appears in ${table_name}`).toBe(0);
    }
    expect(app.logs()).not.toContain(key.slice(10));
  });

  it("a key outlives its creator's deactivation (an organisation key), and the console says so", async () => {
    const creator = await createUser({ name: "Key Maker", email: `key.maker.${Date.now()}@example.test`, role: "admin", teamIds: [], password: "key-maker-pass-1" }, admin.id);
    const session = await signIn(app.url, creator.email, "key-maker-pass-1");
    const created = await mutate("apiKeys.create", session.cookie, { name: "Warehouse sync", scopes: ["customers:read"] });
    expect(created.status, created.message).toBe(200);
    const people = async () => (await query("people.list", admin.cookie)).data as { id: string; activeApiKeys: number }[];
    expect((await people()).find((p) => p.id === creator.id)?.activeApiKeys).toBe(1);

    expect((await mutate("people.setActive", admin.cookie, { id: creator.id, active: false })).status).toBe(200);
    const res = await fetch(`${app.url}/api/v1/customers?email=nobody%40example.test`, { headers: { authorization: `Bearer ${created.data.key}` } });
    expect(res.status).toBe(200);
    const listed = (await query("apiKeys.list", admin.cookie)).data as { id: string; createdBy: { name: string; deactivatedAt: string | null } }[];
    expect(listed.find((k) => k.id === created.data.id)?.createdBy).toMatchObject({ name: "Key Maker", deactivatedAt: expect.any(String) });

    expect((await mutate("apiKeys.revoke", admin.cookie, { id: created.data.id })).status).toBe(200);
    expect((await people()).find((p) => p.id === creator.id)?.activeApiKeys).toBe(0);
  });
});
