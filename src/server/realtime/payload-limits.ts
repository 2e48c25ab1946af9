// Bounds on socket.io event payloads, for every namespace (the console's "/",
// the widget's "/widget", any added later): the same depth and size limits as
// HTTP JSON (src/server/security/json-shape.ts), checked before any handler
// or schema walks the payload. A refused event is answered on its ack, in the
// { ok: false, error, message } shape the namespaces' acks use, or else with
// an "error" event; the socket stays connected.
import type { Namespace, Server, Socket } from "socket.io";
import { checkJsonShape, type JsonShapeRefusal } from "@/server/security/json-shape";

type Event = [string, ...unknown[]];
type Ack = (response: unknown) => void;

function refusalOf(args: unknown[]): JsonShapeRefusal | null {
  for (const arg of args) {
    const refusal = checkJsonShape(arg);
    if (refusal) return refusal;
  }
  return null;
}

/** The socket.use middleware: an event over the limits never reaches a handler. */
export function refuseOutsizedEvents(socket: Socket): (event: Event, next: (err?: Error) => void) => void {
  return (event, next) => {
    const args = event.slice(1);
    const ack = typeof args[args.length - 1] === "function" ? (args.pop() as Ack) : null;
    const refusal = refusalOf(args);
    if (!refusal) return next();
    // Not next(err): that is only a server-side "error" event; the client would hear nothing.
    const answer = { ok: false, error: refusal.code, message: refusal.message };
    if (ack) ack(answer);
    else socket.emit("error", { ...answer, event: String(event[0]).slice(0, 100) });
  };
}

/**
 * Installs the check on every socket of every namespace, present and future;
 * the handshake's auth object is checked too (refused as connect_error with
 * the code as message and { code, message } as data, like the namespaces'
 * own refusals). Call before the namespaces' own middleware.
 */
export function limitEventPayloads(io: Server): void {
  const install = (ns: Namespace) =>
    ns.use((socket, next) => {
      const refusal = checkJsonShape(socket.handshake.auth);
      if (refusal) return next(Object.assign(new Error(refusal.code), { data: refusal }));
      socket.use(refuseOutsizedEvents(socket));
      next();
    });
  install(io.of("/"));
  io.on("new_namespace", install);
}
