// Automation rules: on every committed touchpoint (the domain-event queue) and timer triggers every 30 s.
import { defineJobs } from "@/server/lib/background";
import { checkTimerRules, onRulesEvents } from "./engine";

export const rulesJobs = defineJobs({
  consumers: { rules: onRulesEvents },
  periodic: { "rule-timers": { everyMs: 30_000, pass: checkTimerRules } },
});
