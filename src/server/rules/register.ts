// Automation rules: on every committed touchpoint (bus) and timer triggers every 30 s.
import { registerService } from "@/server/app/services";
import { startRulesListener, startRulesTimer } from "./engine";

registerService({
  name: "automation rules",
  start: async () => {
    const offListener = startRulesListener();
    const offTimer = startRulesTimer(30_000);
    return {
      stop: async () => {
        offListener();
        offTimer();
      },
    };
  },
});
