// Collision detection over socket.io against the real server: who views a
// conversation, who types, presence per customer across conversations, access
// rules, and clean-up on disconnect.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, type AppServer, connected } from "../../helpers/app-server";

type Viewer = { userId: string; name: string; typing: boolean; conversationId: string | null; conversationNumber: number | null };
type Changed = { conversationId?: string; customerId?: string; viewers: Viewer[] };

let t: TestDatabase;
let app: AppServer;
const sockets: Socket[] = [];

async function agentSocket(email: string): Promise<Socket & { changes: Changed[] }> {
  const { cookie } = await signIn(app.url, email);
  const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false }) as Socket & { changes: Changed[] };
  socket.changes = [];
  socket.on("presence.changed", (p: Changed) => socket.changes.push(p));
  await connected(socket);
  sockets.push(socket);
  return socket;
}

const latest = (s: { changes: Changed[] }, key: "conversationId" | "customerId", id: string) => [...s.changes].reverse().find((c) => c[key] === id)?.viewers;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.stop();
  await t?.drop();
});

describe("presence", () => {
  it("shows who views a conversation and who types, per conversation and per customer", async () => {
    const [two] = await t.prisma.$queryRaw<{ customer_id: string }[]>`
      SELECT c.customer_id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id
      WHERE i.public_id <> 'billing@throughline.test' GROUP BY c.customer_id HAVING count(*) >= 2 LIMIT 1`;
    const [a, b] = await t.prisma.conversation.findMany({ where: { customerId: two!.customer_id, inbox: { publicId: { not: "billing@throughline.test" } } }, take: 2, select: { id: true, number: true } });
    const sam = await agentSocket("agent@throughline.test");
    const daniel = await agentSocket("supervisor@throughline.test");

    const ack1 = (await sam.emitWithAck("presence.view", { conversationId: a!.id })) as { ok: boolean; conversation: { viewers: Viewer[] } };
    expect(ack1.ok).toBe(true);
    expect(ack1.conversation.viewers.map((v) => v.name)).toEqual(["Sam Rivera"]);
    const ack2 = (await daniel.emitWithAck("presence.view", { conversationId: a!.id })) as { ok: boolean; conversation: { viewers: Viewer[] } };
    expect(ack2.conversation.viewers.map((v) => v.name).sort()).toEqual(["Daniel Okafor", "Sam Rivera"]);
    await expect.poll(() => latest(sam, "conversationId", a!.id)?.map((v) => v.name).sort()).toEqual(["Daniel Okafor", "Sam Rivera"]);

    sam.emit("presence.typing", { typing: true });
    await expect.poll(() => latest(daniel, "conversationId", a!.id)?.find((v) => v.name === "Sam Rivera")?.typing).toBe(true);

    // Daniel moves to the customer's other conversation: Sam's customer-level view says where he is.
    await daniel.emitWithAck("presence.view", { conversationId: b!.id });
    await expect.poll(() => latest(sam, "conversationId", a!.id)?.map((v) => v.name)).toEqual(["Sam Rivera"]);
    await expect.poll(() => latest(sam, "customerId", two!.customer_id)?.find((v) => v.name === "Daniel Okafor")?.conversationNumber).toBe(b!.number);
    // …and Daniel learns that Sam is replying to the same customer in conversation a.
    const samThere = latest(daniel, "customerId", two!.customer_id)?.find((v) => v.name === "Sam Rivera");
    expect(samThere).toMatchObject({ typing: true, conversationId: a!.id, conversationNumber: a!.number });

    // A disconnect removes Sam everywhere.
    sam.close();
    await expect.poll(() => latest(daniel, "customerId", two!.customer_id)?.map((v) => v.name)).toEqual(["Daniel Okafor"]);
  });

  it("refuses a conversation outside the agent's inboxes", async () => {
    const billing = await t.prisma.conversation.findFirstOrThrow({ where: { inbox: { publicId: "billing@throughline.test" } } });
    const sam = await agentSocket("agent@throughline.test");
    const ack = (await sam.emitWithAck("presence.view", { conversationId: billing.id })) as { ok: boolean };
    expect(ack.ok).toBe(false);
  });
});
