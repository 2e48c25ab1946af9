// The outbox worker, started with the app after the channels registered their senders.
import { registerService } from "@/server/app/services";
import { startOutboxWorker } from "./outbox";

registerService({
  name: "outbox worker",
  start: async () => {
    const worker = startOutboxWorker({ pollMs: 1_000 });
    return { stop: worker.stop };
  },
});
