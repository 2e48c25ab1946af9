// Journey stages: re-evaluated after each touchpoint (bus, debounced) and by a slow sweep for time-based moves.
import { registerService } from "@/server/app/services";
import { startJourneyListener, startJourneySweep } from "./service";

registerService({
  name: "journey stages",
  start: async () => {
    const offListener = startJourneyListener();
    const offSweep = startJourneySweep({ intervalMs: 60_000, batch: 100 });
    return {
      stop: async () => {
        offListener();
        offSweep();
      },
    };
  },
});
