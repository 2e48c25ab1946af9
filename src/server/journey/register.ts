// Journey stages: re-evaluated after each batch of committed touchpoints (the
// domain-event queue) and by a slow sweep (every 60 s) for time-based moves.
import { registerEventConsumer, registerPeriodicTask } from "@/server/jobs/registry";
import { journeySweepOnce, onJourneyEvents } from "./service";

registerEventConsumer({ name: "journey", handle: onJourneyEvents });

registerPeriodicTask({
  name: "journey-sweep",
  everyMs: 60_000,
  run: async (state) => ({ after: await journeySweepOnce(typeof state.after === "string" ? state.after : undefined, 100) }),
});
