// SLA: due times follow conversation changes (the domain-event queue) and the at-risk/breach watcher runs every 30 s.
import { defineJobs } from "@/server/lib/background";
import { checkSla, onSlaEvents } from "./service";

export const slaJobs = defineJobs({
  consumers: { sla: onSlaEvents },
  periodic: { "sla-watch": { everyMs: 30_000, pass: checkSla } },
});
