// Agent presence for the supervisor board: a socket connect/disconnect hook
// (before the socket server starts) and the heartbeat that tells the other
// processes who is connected here.
import { registerService } from "@/server/app/services";
import { installPresenceHook, startPresenceHeartbeat } from "./presence";

installPresenceHook();

registerService({
  name: "agent presence heartbeat",
  start: async () => {
    const stop = startPresenceHeartbeat();
    return { stop: async () => stop() };
  },
});
