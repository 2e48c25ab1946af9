// Agent presence for the supervisor board: a socket connect/disconnect hook
// (installed before the socket server starts) and the heartbeat that tells
// the other processes who is connected here. Wired in by
// src/server/app/service-list.ts.
import type { BackgroundService } from "@/server/lib/background";
import { installPresenceHook, startPresenceHeartbeat } from "./presence";

const heartbeat: BackgroundService = {
  name: "agent presence heartbeat",
  start: async () => {
    const stop = startPresenceHeartbeat();
    return { stop: async () => stop() };
  },
};

export const agentPresence = {
  /** Installs the console-socket hook (once per process). */
  installHook: installPresenceHook,
  services: [heartbeat],
};
