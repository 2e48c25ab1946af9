// Extra socket event handlers (presence, typing, collision detection) register
// here so server.ts stays about connection, auth and subscriptions. The
// collision-detection presence (src/server/presence/socket.ts) and the
// supervisor board's agent presence are wired in by
// src/server/app/service-list.ts before the socket server starts.
import type { SocketHandler, SocketHandlerContext } from "./types";

export type { SocketHandlerContext } from "./types";

const handlers: SocketHandler[] = [];

export function addSocketHandler(handler: SocketHandler) {
  handlers.push(handler);
}

export function registerSocketHandlers(ctx: SocketHandlerContext) {
  for (const h of handlers) h(ctx);
}
