// Conversations: the snooze waker reopens expired snoozes every 5 s (one periodic job across all processes).
import { defineJobs } from "@/server/lib/background";
import { wakeAllDue } from "./snooze";

export const conversationJobs = defineJobs({
  periodic: { "snooze-wake": { everyMs: 5_000, pass: wakeAllDue } },
});
