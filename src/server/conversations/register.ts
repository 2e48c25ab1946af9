// Conversations: the snooze waker reopens expired snoozes every 5 s.
import { registerService } from "@/server/app/services";
import { startSnoozeWaker } from "./snooze";

registerService({
  name: "snooze waker",
  start: async () => {
    const stop = startSnoozeWaker(5_000);
    return { stop: async () => stop() };
  },
});
