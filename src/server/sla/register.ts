// SLA: due times follow conversation changes (bus) and the at-risk/breach watcher runs every 30 s.
import { registerService } from "@/server/app/services";
import { startSlaListener, startSlaTimer } from "./service";

registerService({
  name: "SLA watcher",
  start: async () => {
    const offListener = startSlaListener();
    const offTimer = startSlaTimer(30_000);
    return {
      stop: async () => {
        offListener();
        offTimer();
      },
    };
  },
});
