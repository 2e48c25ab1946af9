// The session part of a connection: the "session" event (visitor id, the
// token to store, identity, the public config) and the token's upkeep while
// connected (renewal, retiring the tabs that hold a superseded one).
import type { Namespace } from "socket.io";
import { publicConfig } from "../config";
import type { SessionEvent } from "../protocol";
import { widgetRooms } from "../rooms";
import { keepTokenFresh, sweepSupersededTabs, tokenReceipt } from "../socket-tokens";
import type { WidgetEventContext } from "./context";

/** Sends the "session" event and keeps the token fresh; returns the canceller of the renewal. */
export function startSession(ns: Namespace, ctx: WidgetEventContext): () => void {
  const { socket, session: s } = ctx;
  const visitorRoom = widgetRooms.visitor(s.inboxId, s.visitorId);
  const sweep = (generation: number) => sweepSupersededTabs(ns, visitorRoom, generation);
  if (socket.data.token.committed) sweep(socket.data.token.generation);
  const stopRenewing = keepTokenFresh(socket, sweep);
  const session: SessionEvent = {
    visitorId: s.visitorId,
    visitorToken: socket.data.token.value,
    issued: socket.data.issued,
    verified: s.verified !== null,
    name: s.name,
    email: s.verified?.email ?? s.claimedEmail,
    config: publicConfig(ctx.inbox),
  };
  // Acknowledged once the widget stored the token: that commits its generation.
  socket.emit("session", session, tokenReceipt(socket, sweep));
  return stopRenewing;
}
