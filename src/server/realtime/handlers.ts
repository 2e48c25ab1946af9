// Extra socket event handlers (presence, typing, collision detection) register
// here so server.ts stays about connection, auth and subscriptions.
import type { Server } from "socket.io";
import { attachPresence } from "@/server/presence/socket";
import type { AgentSocket } from "./server";

export type SocketHandlerContext = { io: Server; socket: AgentSocket };
type Handler = (ctx: SocketHandlerContext) => void;
// Presence and typing (collision detection) are always on.
const handlers: Handler[] = [attachPresence];

export function addSocketHandler(handler: Handler) {
  handlers.push(handler);
}

export function registerSocketHandlers(ctx: SocketHandlerContext) {
  for (const h of handlers) h(ctx);
}
