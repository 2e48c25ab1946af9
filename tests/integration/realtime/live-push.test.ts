// Live push of the single view: a committed touchpoint reaches exactly the
// agents looking at that customer, and a client that drops and reconnects
// ends with the complete timeline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer, connected } from "../../helpers/app-server";

let t: TestDatabase;
let app: AppServer;
let cookie: string;
let customerA: { id: string; email: string };
let customerB: { id: string; email: string };

async function agentSocket(): Promise<Socket> {
  const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie }, reconnectionDelay: 100, reconnectionDelayMax: 200 });
  await connected(socket);
  return socket;
}

async function subscribe(socket: Socket, customerId: string) {
  const ack = (await socket.emitWithAck("subscribe", { customerId })) as { ok: boolean };
  expect(ack.ok).toBe(true);
}

async function postEvent(email: string, name: string, properties: Record<string, unknown> = {}) {
  const res = await fetch(`${app.url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ customer: { email }, name, properties }),
  });
  expect(res.status).toBe(202);
  const body = (await res.json()) as { items: { id: string }[] };
  return body.items[0]!.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
  cookie = (await signIn(app.url, "admin@throughline.test")).cookie;
  const withEmail = await t.prisma.customerIdentity.findMany({ where: { kind: "email" }, take: 2, orderBy: { value: "asc" } });
  customerA = { id: withEmail[0]!.customerId, email: withEmail[0]!.value };
  customerB = { id: withEmail[1]!.customerId, email: withEmail[1]!.value };
});
afterAll(async () => {
  await app?.stop();
  await t?.drop();
});

describe("live push", () => {
  it("delivers a new touchpoint only to the agent viewing that customer", async () => {
    const viewingA = await agentSocket();
    const viewingB = await agentSocket();
    await subscribe(viewingA, customerA.id);
    await subscribe(viewingB, customerB.id);
    const gotA: { eventId: string; customerId: string; item: { text: string } }[] = [];
    const gotB: unknown[] = [];
    viewingA.on("timeline.created", (e) => gotA.push(e));
    viewingB.on("timeline.created", (e) => gotB.push(e));

    const id = await postEvent(customerA.email, "page_view", { url: "https://acme.example/pricing", title: "Pricing" });
    // The page view may move A's journey stage too (a second touchpoint of A's, also pushed): find it by id.
    await expect.poll(() => gotA.some((e) => e.eventId === id), { timeout: 5000 }).toBe(true);
    const pageView = gotA.find((e) => e.eventId === id)!;
    expect(pageView.customerId).toBe(customerA.id);
    expect(pageView.item.text).toMatch(/pricing/i);
    expect(gotA.every((e) => e.customerId === customerA.id)).toBe(true);
    // Give a stray delivery time to arrive before asserting there was none.
    await new Promise((r) => setTimeout(r, 300));
    expect(gotB).toHaveLength(0);
    viewingA.close();
    viewingB.close();
  });

  it("a client that drops, misses events and reconnects ends with the complete timeline", async () => {
    const socket = await agentSocket();
    await subscribe(socket, customerA.id);
    const received = new Set<string>();
    socket.on("timeline.created", (e: { eventId: string }) => received.add(e.eventId));
    // As the console does: subscriptions are re-sent on every (re)connect.
    socket.on("connect", () => socket.emit("subscribe", { customerId: customerA.id }));

    const before = await postEvent(customerA.email, "custom", { step: "before" });
    await expect.poll(() => received.has(before)).toBe(true);

    // Drop the transport (a network failure, not a deliberate disconnect).
    const reconnected = new Promise<void>((resolve) => socket.io.once("reconnect", () => resolve()));
    socket.io.engine.close();
    const missed = [];
    for (let i = 0; i < 5; i++) missed.push(await postEvent(customerA.email, "custom", { step: `missed-${i}` }));
    await reconnected;
    await new Promise((r) => setTimeout(r, 200));
    const after = await postEvent(customerA.email, "custom", { step: "after" });
    // Live again after the reconnect.
    await expect.poll(() => received.has(after), { timeout: 5000 }).toBe(true);

    // Like the console: recovery replays what the server buffered, and after
    // every reconnect the client also re-reads the newest page (an event
    // emitted in the instant before the server noticed the drop is only in
    // the database). The union must be complete.
    await new Promise((r) => setTimeout(r, 300));
    const page = await fetch(`${app.url}/api/v1/customers/${customerA.id}/timeline?limit=50`, {
      headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}` },
    });
    for (const item of ((await page.json()) as { items: { id: string }[] }).items) received.add(item.id);
    await expect.poll(() => received.has(after)).toBe(true);
    for (const id of [before, ...missed, after]) expect(received.has(id), `event ${id} reached the client`).toBe(true);
    socket.close();
  });
});
