// The "presence" server event: tells this process's visitors when agents come
// online or all go away (a console socket on any process).
import type { Namespace, Server, Socket } from "socket.io";
import { agentsOnline, AGENTS_ONLINE_RECHECK_MS, refreshAgentsOnline } from "./config";
import type { PresenceEvent } from "./protocol";

/** Watches the agents' namespace; returns the teardown. */
export function announceAgentsOnline(io: Server, ns: Namespace): () => void {
  // Local connects answer at once; agents on other processes show through
  // users.online_until, re-read every few seconds.
  let lastOnline = agentsOnline();
  let checking = false;
  const presence = () =>
    setImmediate(() => {
      if (checking) return;
      checking = true;
      void refreshAgentsOnline()
        .then((online) => {
          if (online === lastOnline) return;
          lastOnline = online;
          ns.local.emit("presence", { online } satisfies PresenceEvent);
        })
        .catch(() => undefined)
        .finally(() => (checking = false));
    });
  const onAgent = (agent: Socket) => {
    presence();
    agent.on("disconnect", presence);
  };
  io.of("/").on("connection", onAgent);
  const recheck = setInterval(presence, AGENTS_ONLINE_RECHECK_MS);
  recheck.unref?.();
  return () => {
    clearInterval(recheck);
    io.of("/").off("connection", onAgent);
  };
}
