// Other socket.io namespaces (the widget's "/widget") attach here, so the
// realtime server knows nothing of their protocols. They are wired in from
// src/server/app/service-list.ts before the socket server starts.
import type { Server } from "socket.io";
import type { NamespaceAttach } from "./types";

const attachments: NamespaceAttach[] = [];

export function addNamespace(attach: NamespaceAttach) {
  attachments.push(attach);
}

export function attachNamespaces(io: Server): () => void {
  const cleanups = attachments.map((a) => a(io)).filter((c): c is () => void => typeof c === "function");
  return () => cleanups.forEach((c) => c());
}
