// Conversations: the snooze waker reopens expired snoozes every 5 s (one periodic job across all processes).
import { registerPeriodicTask } from "@/server/jobs/registry";
import { wakeAllDue } from "./snooze";

registerPeriodicTask({
  name: "snooze-wake",
  everyMs: 5_000,
  run: async () => {
    await wakeAllDue();
  },
});
