// SLA: due times follow conversation changes (the domain-event queue) and the at-risk/breach watcher runs every 30 s.
import { registerEventConsumer, registerPeriodicTask } from "@/server/jobs/registry";
import { checkSla, onSlaEvents } from "./service";

registerEventConsumer({ name: "sla", handle: onSlaEvents });

registerPeriodicTask({
  name: "sla-watch",
  everyMs: 30_000,
  run: async () => {
    await checkSla();
  },
});
