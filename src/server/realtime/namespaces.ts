// Other socket.io namespaces (the widget's "/widget") attach here, so the
// realtime server knows nothing of their protocols. Registrations are imported
// from src/server/app/service-list.ts before the socket server starts.
import type { Server } from "socket.io";

type Attach = (io: Server) => void | (() => void);
const attachments: Attach[] = [];

export function addNamespace(attach: Attach) {
  attachments.push(attach);
}

export function attachNamespaces(io: Server): () => void {
  const cleanups = attachments.map((a) => a(io)).filter((c): c is () => void => typeof c === "function");
  return () => cleanups.forEach((c) => c());
}
