// Journey stages: re-evaluated after each batch of committed touchpoints (the
// domain-event queue) and by a slow sweep (every 60 s) for time-based moves.
import { defineJobs } from "@/server/lib/background";
import { journeySweepOnce, onJourneyEvents } from "./service";

export const journeyJobs = defineJobs({
  consumers: { journey: onJourneyEvents },
  periodic: {
    "journey-sweep": { everyMs: 60_000, run: async (state) => ({ after: await journeySweepOnce(typeof state.after === "string" ? state.after : undefined, 100) }) },
  },
});
