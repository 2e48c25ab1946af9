// The shapes shared by the socket server and what plugs into it (presence,
// typing, the widget's namespace, state shared through Redis): types only, so
// the modules that plug in need not import the server.
import type { RedisClientType } from "redis";
import type { Server, Socket } from "socket.io";
import type { Viewer } from "@/server/auth/viewer";

/** A console (agent) socket on the "/" namespace, authenticated by its session cookie. */
export type AgentSocket = Socket & { data: { viewer: Viewer; inboxes: "all" | string[]; kind: "agent" } };

export type SocketHandlerContext = { io: Server; socket: AgentSocket };
/** Extra handlers on every console socket (./handlers.ts). */
export type SocketHandler = (ctx: SocketHandlerContext) => void;

/** Another namespace on the socket server (./namespaces.ts); may return its cleanup. */
export type NamespaceAttach = (io: Server) => void | (() => void);

/** The Redis connection socket.io's adapter publishes on (commands go over it too). */
export type RedisConnection = RedisClientType;

/**
 * State shared across processes through the adapter's Redis connection
 * (./redis-shares.ts), set up once Redis is connected; returns its cleanup.
 */
export type RedisShare = (ctx: { io: Server; redis: RedisConnection; prefix: string; log: (line: string) => void }) => () => Promise<void>;
