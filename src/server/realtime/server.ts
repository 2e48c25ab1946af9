// socket.io on the app's HTTP server: agents authenticate with their next-auth
// session cookie; they subscribe to customers, conversations and inboxes they
// may see; committed events from the bus are pushed to the matching rooms.
// Connection state recovery replays what a briefly disconnected client missed;
// clients also re-fetch since their last cursor after a long disconnect.
import type http from "node:http";
import { Server, type Namespace } from "socket.io";
import { z } from "zod";
import type { Env } from "@/env";
import { bus, type DomainEvent } from "@/server/events/bus";
import { accessibleInboxIds, type Viewer } from "@/server/auth/viewer";
import { viewerFromCookieHeader } from "@/server/auth/session";
import { liveSessionIds, viewerFromSession } from "@/server/auth/sessions";
import { db } from "@/server/db";
import { forgetVerifiedKey } from "@/server/api-keys/keys";
import { customerVisible } from "@/server/customers/visibility";
import { isDatabaseUnavailable } from "@/server/db/faults";
import { observeLivePush, pushStartedAt, watchSocketConnections } from "@/server/observability/metrics";
import { customerEventRooms, rooms } from "./rooms";
import { registerSocketHandlers } from "./handlers";
import { attachNamespaces } from "./namespaces";
import { limitEventPayloads } from "./payload-limits";
import type { AgentSocket, SocketHandlerContext } from "./types";

export type { AgentSocket } from "./types";

const g = globalThis as unknown as { __throughlineIo?: Server };
export function getIo(): Server | undefined {
  return g.__throughlineIo;
}

const subscribeSchema = z.object({
  customerId: z.string().uuid().optional(),
  conversationId: z.string().uuid().optional(),
  inboxId: z.string().uuid().optional(),
  /** Every inbox this agent may see (queue views). */
  allInboxes: z.boolean().optional(),
});

export async function attachRealtime(server: http.Server, config: Env) {
  const io = new Server(server, {
    path: "/socket.io",
    serveClient: false,
    // Replays what a briefly disconnected client missed (in-process adapter; with
    // Redis the console's catch-up fetch covers reconnects).
    connectionStateRecovery: config.REDIS_URL ? undefined : { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
    cors: { origin: true, credentials: false },
    maxHttpBufferSize: 1e6,
  });
  g.__throughlineIo = io;
  limitEventPayloads(io);
  const redis = config.REDIS_URL ? await (await import("./redis")).useRedisAdapter(io, config.REDIS_URL) : undefined;

  // Agents (console): the session cookie. Widget visitors use their own namespace.
  const agents = io.of("/");
  guardRecovery(agents);
  agents.use(async (socket, nextFn) => {
    try {
      const viewer = await viewerFromCookieHeader(socket.handshake.headers.cookie);
      if (!viewer) return nextFn(new Error("unauthorized"));
      socket.data.viewer = viewer;
      socket.data.inboxes = await accessibleInboxIds(viewer);
      socket.data.kind = "agent";
      nextFn();
    } catch (error) {
      // A database outage is not a refusal: the client retries instead of signing out.
      nextFn(new Error(isDatabaseUnavailable(error) ? "unavailable" : "unauthorized"));
    }
  });

  agents.on("connection", (raw) => {
    const socket = raw as AgentSocket;
    const viewer = socket.data.viewer;
    void socket.join(rooms.user(viewer.userId));
    if (viewer.sessionId) void socket.join(rooms.session(viewer.sessionId));
    if (viewer.role !== "agent") void socket.join(rooms.supervisors());
    // Every event re-checks the session row (one primary-key read): an ended
    // session is refused at its next event even if the drop notice was lost.
    socket.use((packet, nextFn) => {
      const ack = packet[packet.length - 1];
      viewerFromSession(socket.data.viewer.sessionId, socket.data.viewer.userId).then(
        async (live) => {
          if (live) {
            // Handlers (typing, presence) act on what the session is now, not at connect.
            const was = socket.data.viewer;
            socket.data.viewer = live;
            if (live.role !== was.role || !sameTeams(live.teamIds, was.teamIds)) socket.data.inboxes = await accessibleInboxIds(live);
            return nextFn();
          }
          // Answered as the handlers answer a refusal, then the socket goes.
          if (typeof ack === "function") ack({ ok: false, error: "unauthorized" });
          socket.disconnect(true);
        },
        (error: unknown) => {
          if (typeof ack === "function") ack({ ok: false, error: isDatabaseUnavailable(error) ? "unavailable" : "unauthorized" });
        },
      );
    });

    socket.on("subscribe", async (payload: unknown, ack?: (r: unknown) => void) => {
      const parsed = subscribeSchema.safeParse(payload);
      if (!parsed.success) return ack?.({ ok: false, error: "invalid subscription" });
      if (!(await refreshAccess(socket))) {
        ack?.({ ok: false, error: "unauthorized" });
        return void socket.disconnect(true);
      }
      const { customerId, conversationId, inboxId, allInboxes } = parsed.data;
      const inboxes = socket.data.inboxes;
      if (allInboxes) {
        const ids = inboxes === "all" ? (await db.inbox.findMany({ select: { id: true } })).map((i) => i.id) : inboxes;
        for (const id of ids) void socket.join(rooms.inbox(id));
      }
      if (customerId) {
        if (!(await customerVisible(customerId, inboxes))) return ack?.({ ok: false, error: "not found" });
        if (inboxes === "all") void socket.join(rooms.customerAll(customerId));
        else {
          void socket.join(rooms.customerNoInbox(customerId));
          for (const id of inboxes) void socket.join(rooms.customerInbox(customerId, id));
        }
      }
      if (conversationId) {
        const conv = await db.conversation.findUnique({ where: { id: conversationId }, select: { inboxId: true } });
        if (!conv || (inboxes !== "all" && !inboxes.includes(conv.inboxId))) return ack?.({ ok: false, error: "not found" });
        void socket.join(rooms.conversation(conversationId));
      }
      if (inboxId) {
        if (inboxes !== "all" && !inboxes.includes(inboxId)) return ack?.({ ok: false, error: "not found" });
        void socket.join(rooms.inbox(inboxId));
      }
      ack?.({ ok: true });
    });

    socket.on("unsubscribe", (payload: unknown) => {
      const parsed = subscribeSchema.safeParse(payload);
      if (!parsed.success) return;
      const { customerId, conversationId, inboxId, allInboxes } = parsed.data;
      for (const room of socket.rooms) {
        if (allInboxes && room.startsWith("inbox:")) void socket.leave(room);
        if (customerId && room.startsWith(`cust:${customerId}:`)) void socket.leave(room);
      }
      if (conversationId) void socket.leave(rooms.conversation(conversationId));
      if (inboxId) void socket.leave(rooms.inbox(inboxId));
    });

    const ctx: SocketHandlerContext = { io, socket };
    registerSocketHandlers(ctx);
  });

  // The bus calls listeners synchronously: an event the write path did not mark is timed from its hand-over.
  const off = bus.on((event) => {
    const started = pushStartedAt(event, performance.now());
    if (pushEvent(io, event)) observeLivePush(event.type, started);
  });
  const unwatchSockets = watchSocketConnections(() => [...io._nsps].map(([namespace, ns]) => ({ namespace, connections: ns.sockets.size })));
  // A socket that only listens sends nothing to re-check, and idle expiry sends
  // no notice: sweep this process's console sockets against their session rows.
  const sweep = setInterval(() => void dropEndedSessions(agents).catch(() => undefined), config.SESSION_SWEEP_SECONDS * 1000);
  sweep.unref();
  let offNotices = () => {};
  if (redis) {
    // Notices for other processes that are not pushes to sockets: socket.io's
    // server-side emit through the Redis adapter. Revoked keys leave every
    // process's verified-key cache at once.
    offNotices = bus.on((event) => {
      if (event.type === "api_key.revoked") io.serverSideEmit("api_key.revoked", event.apiKeyId);
    });
    io.on("api_key.revoked", (apiKeyId: unknown) => {
      if (typeof apiKeyId === "string") forgetVerifiedKey(apiKeyId);
    });
  }
  const detachNamespaces = attachNamespaces(io);

  return {
    io,
    close: async () => {
      clearInterval(sweep);
      off();
      unwatchSockets();
      offNotices();
      detachNamespaces();
      // Tell clients to reconnect (to another process behind the load balancer).
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await redis?.close();
      g.__throughlineIo = undefined;
    },
  };
}

function sameTeams(a: string[], b: string[]) {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** Disconnects this process's console sockets whose session ended, expired or lost its user. */
export async function dropEndedSessions(agents: Namespace): Promise<number> {
  const sockets = [...agents.sockets.values()] as AgentSocket[];
  const ids = [...new Set(sockets.map((s) => s.data.viewer?.sessionId).filter((id): id is string => !!id))];
  const live = ids.length ? await liveSessionIds(ids) : new Set<string>();
  let dropped = 0;
  for (const socket of sockets) {
    const id = socket.data.viewer?.sessionId;
    if (id && live.has(id)) continue;
    socket.disconnect(true);
    dropped++;
  }
  return dropped;
}

/**
 * Connection-state recovery rejoins a reconnecting socket's old rooms and
 * replays what it missed before any middleware runs. Only a session that is
 * still live, with the same role and inboxes, is recovered; anyone else
 * reconnects afresh through the handshake (the console then catches up by fetching).
 */
function guardRecovery(agents: Namespace) {
  type Persisted = { data?: { viewer?: Viewer; inboxes?: "all" | string[] } } | null;
  const adapter = agents.adapter as unknown as { restoreSession?: (pid: string, offset: string) => Promise<Persisted> };
  if (!adapter.restoreSession) return;
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    const was = session?.data?.viewer;
    if (!session || !was) return null;
    const live = await viewerFromSession(was.sessionId, was.userId).catch(() => null);
    if (!live || live.role !== was.role) return null;
    const inboxes = await accessibleInboxIds(live).catch(() => null);
    const before = session.data?.inboxes;
    const same = inboxes === "all" ? before === "all" : Array.isArray(inboxes) && Array.isArray(before) && sameTeams(inboxes, before);
    return same ? session : null;
  };
}

/**
 * Re-reads the agent's role and teams (a console tab keeps its socket for
 * hours): a removed team or a deactivation applies at the next subscribe, not
 * the next reconnect, and rooms the agent may no longer see are left. False
 * when the user is gone or deactivated.
 */
async function refreshAccess(socket: AgentSocket): Promise<boolean> {
  const viewer = await viewerFromSession(socket.data.viewer.sessionId, socket.data.viewer.userId);
  if (!viewer) return false;
  const inboxes = await accessibleInboxIds(viewer);
  socket.data.viewer = viewer;
  socket.data.inboxes = inboxes;
  if (viewer.role === "agent") void socket.leave(rooms.supervisors());
  if (inboxes === "all") return true;
  const visible = new Set(inboxes);
  const conversations: string[] = [];
  for (const room of socket.rooms) {
    const inboxRoom = /^(?:inbox|cust:[^:]+:inbox):([0-9a-f-]{36})$/.exec(room);
    if ((inboxRoom && !visible.has(inboxRoom[1]!)) || /^cust:[^:]+:all$/.test(room)) void socket.leave(room);
    if (room.startsWith("conv:")) conversations.push(room.slice("conv:".length));
  }
  if (conversations.length) {
    const rows = await db.conversation.findMany({ where: { id: { in: conversations } }, select: { id: true, inboxId: true } });
    for (const id of conversations) {
      if (!rows.some((r) => r.id === id && visible.has(r.inboxId))) void socket.leave(rooms.conversation(id));
    }
  }
  return true;
}

/** Pushes the event to its rooms; false for an event that is no push. */
function pushEvent(io: Server, event: DomainEvent): boolean {
  switch (event.type) {
    case "timeline.created":
    case "timeline.updated": {
      const targets = customerEventRooms(event.customerId, event.inboxId);
      if (event.conversationId) targets.push(rooms.conversation(event.conversationId));
      if (event.inboxId) targets.push(rooms.inbox(event.inboxId));
      io.to(targets).emit(event.type, event);
      if (event.inboxId) io.to(rooms.supervisors()).emit("queue.changed", { inboxId: event.inboxId });
      break;
    }
    case "conversation.updated":
    case "message.status":
      io.to([rooms.conversation(event.conversationId), rooms.inbox(event.inboxId), ...customerEventRooms(event.customerId, event.inboxId)]).emit(event.type, event);
      io.to(rooms.supervisors()).emit("queue.changed", { inboxId: event.inboxId });
      break;
    case "customer.merged":
    case "customer.unmerged":
      for (const id of [event.sourceId, event.targetId]) {
        io.to([rooms.customerAll(id), rooms.customerNoInbox(id)]).emit(event.type, event);
      }
      break;
    case "customer.updated":
      io.to([rooms.customerAll(event.customerId), rooms.customerNoInbox(event.customerId)]).emit(event.type, event);
      break;
    case "notification.created":
      io.to(rooms.user(event.userId)).emit(event.type, event);
      break;
    case "user.access_changed":
      // Every process gets the event and drops its own sockets; io.in() also
      // reaches other processes through the Redis adapter, which covers a bus
      // without a transport. The console reconnects by itself and is
      // authorized afresh (a deactivated user is refused).
      for (const userId of event.userIds) io.in(rooms.user(userId)).disconnectSockets();
      break;
    case "session.revoked":
      // Through the Redis adapter this reaches the session's sockets on every process.
      io.in(event.sessionIds.map(rooms.session)).disconnectSockets(true);
      break;
    default:
      return false;
  }
  return true;
}
