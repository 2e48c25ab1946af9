// The outbox's periodic sweep (every 5 s): waiting items without the job of
// their next attempt, and (every 30 s) queued messages without an item. The sending itself
// is the job runner's "outbox" queue (src/server/jobs/runner.ts → ./worker.ts).
import { defineJobs } from "@/server/lib/background";
import { OUTBOX_SWEEP_MS, outboxSweep } from "./worker";

export const outboxJobs = defineJobs({
  periodic: { "outbox-sweep": { everyMs: OUTBOX_SWEEP_MS, run: (state) => outboxSweep(state) } },
});
