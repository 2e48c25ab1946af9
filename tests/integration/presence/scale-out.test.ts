// Collision detection across processes: two app servers on one PostgreSQL and
// one Redis (the machine's, keys isolated by a unique REDIS_KEY_PREFIX). Agents
// connected to different processes see each other per conversation and per
// customer (with each receiver's inbox filtering), typing crosses over, and a
// SIGKILLed process's agents vanish once their entries expire.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import { createClient } from "redis";
import { MACHINE_REDIS_URL, withoutMachineRedis } from "../../helpers/redis";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, type AppServer, connected } from "../../helpers/app-server";

type Viewer = { userId: string; name: string; typing: boolean; conversationId: string | null; conversationNumber: number | null };
type Changed = { conversationId?: string; customerId?: string; viewers: Viewer[] };
type AgentSocket = Socket & { changes: Changed[] };

const REDIS_URL = MACHINE_REDIS_URL;
const PRESENCE_TTL_SECONDS = 6;


const latest = (s: AgentSocket, key: "conversationId" | "customerId", id: string) => [...s.changes].reverse().find((c) => c[key] === id)?.viewers;
const names = (viewers: Viewer[] | undefined) => viewers?.map((v) => v.name).sort();

describe.skipIf(await withoutMachineRedis())(`presence across processes (Redis at ${REDIS_URL})`, () => {
  const prefix = `tltest-presence-${randomBytes(4).toString("hex")}`;
  let t: TestDatabase;
  let one: AppServer;
  let two: AppServer;
  const cookies = new Map<string, string>();
  const sockets: Socket[] = [];
  // A customer with two conversations the agent may see, and one in billing (agent may not).
  let customerId: string;
  let convA: { id: string; number: number };
  let convB: { id: string; number: number };
  let billing: { id: string; number: number };

  async function agentOn(app: AppServer, email: string): Promise<AgentSocket> {
    const key = `${app.url}|${email}`;
    if (!cookies.has(key)) cookies.set(key, (await signIn(app.url, email)).cookie);
    const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie: cookies.get(key)! }, reconnection: false }) as AgentSocket;
    socket.changes = [];
    socket.on("presence.changed", (p: Changed) => socket.changes.push(p));
    await connected(socket);
    sockets.push(socket);
    return socket;
  }

  async function view(socket: Socket, conversationId: string) {
    const ack = (await socket.emitWithAck("presence.view", { conversationId })) as { ok: boolean; conversation: { viewers: Viewer[] }; customer: { viewers: Viewer[] } };
    expect(ack.ok).toBe(true);
    return ack;
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, PRESENCE_TTL_SECONDS: String(PRESENCE_TTL_SECONDS) };
    one = await startAppServer({ databaseUrl: t.url, env });
    two = await startAppServer({ databaseUrl: t.url, env });

    const [row] = await t.prisma.$queryRaw<{ customer_id: string }[]>`
      SELECT c.customer_id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id
      WHERE i.public_id <> 'billing@throughline.test' GROUP BY c.customer_id HAVING count(*) >= 2 LIMIT 1`;
    customerId = row!.customer_id;
    const visible = await t.prisma.conversation.findMany({
      where: { customerId, inbox: { publicId: { not: "billing@throughline.test" } } },
      take: 2,
      select: { id: true, number: true },
    });
    [convA, convB] = [visible[0]!, visible[1]!];
    const billingInbox = await t.prisma.inbox.findFirstOrThrow({ where: { publicId: "billing@throughline.test" } });
    billing = await t.prisma.conversation.create({
      data: { customerId, originCustomerId: customerId, inboxId: billingInbox.id, channel: billingInbox.channel, subject: "Invoice question" },
      select: { id: true, number: true },
    });
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await one?.stop();
    await two?.stop();
    await t?.drop();
    // Leave nothing behind in the shared Redis.
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) if (keys.length) await redis.del(keys);
    await redis.quit();
  });

  it("agents on two processes see each other in a conversation, typing crosses over, a disconnect removes", async () => {
    const sam = await agentOn(one, "agent@throughline.test");
    const daniel = await agentOn(two, "supervisor@throughline.test");
    await view(sam, convA.id);
    // Daniel's process answers from the shared store: Sam (on the other process) is there.
    const ack = await view(daniel, convA.id);
    expect(names(ack.conversation.viewers)).toEqual(["Daniel Okafor", "Sam Rivera"]);
    await expect.poll(() => names(latest(sam, "conversationId", convA.id))).toEqual(["Daniel Okafor", "Sam Rivera"]);

    sam.emit("presence.typing", { typing: true });
    await expect.poll(() => latest(daniel, "conversationId", convA.id)?.find((v) => v.name === "Sam Rivera")?.typing).toBe(true);
    daniel.emit("presence.typing", { typing: true });
    await expect.poll(() => latest(sam, "conversationId", convA.id)?.find((v) => v.name === "Daniel Okafor")?.typing).toBe(true);

    daniel.close();
    await expect.poll(() => names(latest(sam, "conversationId", convA.id))).toEqual(["Sam Rivera"]);
    await expect.poll(() => names(latest(sam, "customerId", customerId))).toEqual(["Sam Rivera"]);
    sam.close();
  });

  it("customer-level presence reaches the other process with each receiver's inbox filtering", async () => {
    const daniel = await agentOn(one, "supervisor@throughline.test");
    const sam = await agentOn(two, "agent@throughline.test");
    const admin = await agentOn(two, "admin@throughline.test");
    await view(daniel, billing.id);
    await view(sam, convB.id);
    await view(admin, convA.id);

    // Sam (no billing access, process two) learns Daniel is on this customer, but not where.
    await expect.poll(() => latest(sam, "customerId", customerId)?.find((v) => v.name === "Daniel Okafor")).toMatchObject({ conversationId: null, conversationNumber: null });
    // The admin on the same process as Sam sees where Daniel is.
    await expect.poll(() => latest(admin, "customerId", customerId)?.find((v) => v.name === "Daniel Okafor")).toMatchObject({ conversationId: billing.id, conversationNumber: billing.number });
    // Daniel (process one) sees both colleagues and their conversations.
    await expect.poll(() => latest(daniel, "customerId", customerId)?.find((v) => v.name === "Sam Rivera")?.conversationId).toBe(convB.id);
    await expect.poll(() => latest(daniel, "customerId", customerId)?.find((v) => v.name === "Maya Lindqvist")?.conversationId).toBe(convA.id);
    // Every message Sam ever received hid the billing conversation.
    const leaked = sam.changes.flatMap((c) => c.viewers).filter((v) => v.conversationId === billing.id || v.conversationNumber === billing.number);
    expect(leaked).toEqual([]);
    for (const s of [daniel, sam, admin]) s.close();
  });

  // Last: it kills process two.
  it(
    "a SIGKILLed process's agents vanish from presence on the other within the TTL",
    async () => {
      const sam = await agentOn(one, "agent@throughline.test");
      const daniel = await agentOn(two, "supervisor@throughline.test");
      await view(sam, convA.id);
      await view(daniel, convA.id);
      await expect.poll(() => names(latest(sam, "conversationId", convA.id))).toEqual(["Daniel Okafor", "Sam Rivera"]);
      await expect.poll(() => names(latest(sam, "customerId", customerId))).toEqual(["Daniel Okafor", "Sam Rivera"]);

      two.child.kill("SIGKILL");
      await expect.poll(() => names(latest(sam, "conversationId", convA.id)), { timeout: (PRESENCE_TTL_SECONDS + 6) * 1000, interval: 200 }).toEqual(["Sam Rivera"]);
      await expect.poll(() => names(latest(sam, "customerId", customerId)), { timeout: 5_000 }).toEqual(["Sam Rivera"]);
      // A fresh look from process one agrees.
      const other = await agentOn(one, "admin@throughline.test");
      expect(names((await view(other, convA.id)).conversation.viewers)).toEqual(["Maya Lindqvist", "Sam Rivera"]);
      expect(one.child.exitCode).toBeNull();
    },
    (PRESENCE_TTL_SECONDS + 30) * 1000,
  );
});
