// "Who is online" across processes: an agent connected to process A shows as
// online on process B's supervisor board, and B's widget visitors are told
// agents are online; when the agent leaves, both follow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, type AppServer, connected } from "../../helpers/app-server";
import { connectVisitor, type Visitor } from "../../fixtures/widget/visitor";
import { MACHINE_REDIS_URL, withoutMachineRedis } from "../../helpers/redis";

const REDIS_URL = MACHINE_REDIS_URL;
const noRedis = await withoutMachineRedis();

let t: TestDatabase;
let a: AppServer;
let b: AppServer;
let supervisorCookie: string;

beforeAll(async () => {
  if (noRedis) return;
  t = await createTestDatabase();
  const env = { REDIS_URL, REDIS_KEY_PREFIX: `tl-online-${randomBytes(4).toString("hex")}` };
  a = await startAppServer({ databaseUrl: t.url, env });
  b = await startAppServer({ databaseUrl: t.url, env });
  supervisorCookie = (await signIn(b.url, "supervisor@throughline.test")).cookie;
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await t?.drop();
});

async function boardPresence(email: string): Promise<string> {
  const res = await fetch(`${b.url}/api/trpc/supervisor.board`, { headers: { cookie: supervisorCookie } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { data: { json: { agents: { email: string; presence: string }[] } } } };
  return body.result.data.json.agents.find((x) => x.email === email)!.presence;
}

describe.skipIf(noRedis)(`agents online across processes (Redis at ${REDIS_URL})`, () => {
  it("an agent on A is online for B's board and B's widget visitors, and goes away when they leave", async () => {
    const visitor: Visitor = await connectVisitor(b.url, { inbox: "demo-widget" });
    expect(visitor.session.config.online).toBe(false);
    expect(await boardPresence("agent@throughline.test")).not.toBe("online");
    const changes: boolean[] = [];
    visitor.socket.on("presence", (p: { online: boolean }) => changes.push(p.online));

    const { cookie } = await signIn(a.url, "agent@throughline.test");
    const agent: Socket = connect(a.url, { transports: ["websocket"], extraHeaders: { cookie }, forceNew: true });
    await connected(agent);

    await expect.poll(() => changes.at(-1), { timeout: 15_000 }).toBe(true);
    expect(await boardPresence("agent@throughline.test")).toBe("online");
    // A visitor arriving on B now is told at once.
    const late = await connectVisitor(b.url, { inbox: "demo-widget" });
    expect(late.session.config.online).toBe(true);

    agent.close();
    await expect.poll(() => changes.at(-1), { timeout: 15_000 }).toBe(false);
    expect(await boardPresence("agent@throughline.test")).toBe("away");
    expect(changes).toEqual([true, false]);
    visitor.close();
    late.close();
  });

  it("agent replies sent from either process reach the visitor on B and are marked delivered", async () => {
    const visitor = await connectVisitor(b.url, { inbox: "demo-widget" });
    const sent = (await visitor.socket.timeout(15_000).emitWithAck("message:send", { clientId: randomBytes(8).toString("hex"), text: "Is anyone there?" })) as { ok: boolean; id: string };
    expect(sent.ok).toBe(true);
    const conversationId = (await t.prisma.message.findUniqueOrThrow({ where: { id: sent.id } })).conversationId;
    const got: { id: string; text: string }[] = [];
    visitor.socket.on("message", (m: { id: string; text: string }) => got.push(m));

    // Whichever process's outbox worker sends each reply, the visitor is on B:
    // several replies make it all but certain some are sent from A.
    const admin = await signIn(a.url, "admin@throughline.test");
    const texts = ["Yes — how can I help?", "Let me check your account.", "Found it.", "Anything else?"];
    for (const body of texts) {
      const res = await fetch(`${a.url}/api/trpc/conversation.reply`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: admin.cookie, "x-throughline-csrf": "1" },
        body: JSON.stringify({ json: { id: conversationId, body } }),
      });
      expect(res.status).toBe(200);
    }
    await expect.poll(() => texts.every((text) => got.some((m) => m.text === text)), { timeout: 15_000 }).toBe(true);
    const ids = texts.map((text) => got.find((m) => m.text === text)!.id);
    await expect
      .poll(async () => (await t.prisma.message.findMany({ where: { id: { in: ids } }, select: { deliveryStatus: true } })).map((m) => m.deliveryStatus), { timeout: 15_000 })
      .toEqual(["delivered", "delivered", "delivered", "delivered"]);
    visitor.close();
  });
});
