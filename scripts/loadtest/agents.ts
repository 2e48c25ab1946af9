// Child process (forked by run.ts): the agents connected to one app process.
// Each agent is a socket.io client on "/" with its own session cookie,
// subscribed to every inbox it may see, counting each timeline.created of this
// run's chat messages (the visitor's send time is in the message text) once per
// agent. A separate process so the orchestrator's work does not delay receipt.
//
// IPC: parent → {type:"start", url, runId, agents:[{email, cookie}]} → child
// answers {type:"ready", ...}; {type:"progress"} → {type:"progress", deliveries};
// {type:"finish"} → {type:"result", ...} and the child closes its sockets.
import { io as connect, type Socket } from "socket.io-client";
import { Histogram } from "./histogram.ts";
import { parseMarker } from "./marker.ts";

type Start = { type: "start"; url: string; runId: string; agents: { email: string; cookie: string }[] };
type Msg = Start | { type: "progress" } | { type: "finish" };

export type AgentsReady = { type: "ready"; connected: number; subscribed: number; errors: Record<string, number> };
export type AgentsResult = {
  type: "result";
  agents: number;
  connected: number;
  /** Disconnects during the run (each may lose events: no connection-state recovery with Redis). */
  disconnects: number;
  /** clientId → number of distinct agents of this process that received it. */
  receivedBy: Record<string, number>;
  deliveries: number;
  duplicates: number;
  /** timeline.created events of other messages (not this run's chat messages). */
  otherEvents: number;
  latency: [number, number][];
  errors: Record<string, number>;
};

const send = (m: unknown) => process.send?.(m);
const errors: Record<string, number> = {};
const fail = (kind: string) => (errors[kind] = (errors[kind] ?? 0) + 1);

const sockets: Socket[] = [];
const receivedBy = new Map<string, number>();
const latency = new Histogram();
let deliveries = 0;
let duplicates = 0;
let otherEvents = 0;
let disconnects = 0;
let subscribed = 0;

async function start(m: Start) {
  await Promise.all(
    m.agents.map(async (agent) => {
      const seen = new Set<string>();
      const socket = connect(m.url, { transports: ["websocket"], extraHeaders: { cookie: agent.cookie }, reconnection: true });
      socket.on("timeline.created", (event: { eventId?: string; item?: { text?: string; kind?: string } }) => {
        const receivedAt = Date.now();
        const marker = parseMarker(event.item?.text, m.runId);
        if (!marker) return void otherEvents++;
        if (seen.has(marker.clientId)) return void duplicates++;
        seen.add(marker.clientId);
        deliveries++;
        receivedBy.set(marker.clientId, (receivedBy.get(marker.clientId) ?? 0) + 1);
        latency.add(receivedAt - marker.sentAt);
      });
      socket.on("disconnect", (reason) => {
        if (reason !== "io client disconnect") {
          disconnects++;
          fail(`agent disconnect: ${reason}`);
        }
      });
      // After a reconnect the rooms are gone: subscribe again (what the console does).
      socket.io.on("reconnect", () => void socket.emitWithAck("subscribe", { allInboxes: true }).catch(() => fail("agent resubscribe failed")));
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("connect timeout")), 30_000);
          socket.once("connect", () => (clearTimeout(timer), resolve()));
          socket.once("connect_error", (e) => (clearTimeout(timer), reject(e)));
        });
        const ack = (await socket.timeout(30_000).emitWithAck("subscribe", { allInboxes: true })) as { ok?: boolean; error?: string };
        if (ack?.ok) subscribed++;
        else fail(`agent subscribe refused: ${ack?.error ?? "?"}`);
      } catch (error) {
        fail(`agent connect: ${(error as Error).message}`);
      }
      sockets.push(socket);
    }),
  );
  send({ type: "ready", connected: sockets.filter((s) => s.connected).length, subscribed, errors } satisfies AgentsReady);
}

function finish(agentCount: number) {
  const connected = sockets.filter((s) => s.connected).length;
  for (const s of sockets) s.close();
  const result: AgentsResult = {
    type: "result",
    agents: agentCount,
    connected,
    disconnects,
    receivedBy: Object.fromEntries(receivedBy),
    deliveries,
    duplicates,
    otherEvents,
    latency: latency.toJSON(),
    errors,
  };
  // Exit once the (large) result is handed over.
  process.send?.(result, () => process.exit(0));
}

let agentCount = 0;
process.on("message", (m: Msg) => {
  if (m.type === "start") {
    agentCount = m.agents.length;
    void start(m).catch((error: unknown) => {
      fail(`agents: ${(error as Error).message}`);
      send({ type: "ready", connected: 0, subscribed: 0, errors } satisfies AgentsReady);
    });
  } else if (m.type === "progress") send({ type: "progress", deliveries, duplicates });
  else if (m.type === "finish") finish(agentCount);
});
// The orchestrator is gone (killed): do not linger.
process.on("disconnect", () => process.exit(0));
