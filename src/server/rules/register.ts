// Automation rules: on every committed touchpoint (the domain-event queue) and timer triggers every 30 s.
import { registerEventConsumer, registerPeriodicTask } from "@/server/jobs/registry";
import { checkTimerRules, onRulesEvents } from "./engine";

registerEventConsumer({ name: "rules", handle: onRulesEvents });

registerPeriodicTask({
  name: "rule-timers",
  everyMs: 30_000,
  run: async () => {
    await checkTimerRules();
  },
});
