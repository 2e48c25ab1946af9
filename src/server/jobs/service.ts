// The job runner as a background service, started after every domain's
// consumers, periodic tasks and outbox senders are registered (last in
// src/server/app/service-list.ts). ROLE=web only enqueues; worker and all
// also consume.
import { envValue } from "@/env";
import type { BackgroundService } from "@/server/lib/background";
import { startJobRunner } from "./runner";

export const jobQueueService: BackgroundService = {
  name: "job queue (pg-boss)",
  start: async (config) => {
    // Read live: start-up sets it after parsing when it starts the embedded PostgreSQL.
    const databaseUrl = envValue("DATABASE_URL") ?? config.DATABASE_URL;
    if (!databaseUrl) throw new Error("the job queue needs DATABASE_URL (set by start-up for the embedded PostgreSQL)");
    const work = config.ROLE !== "web";
    const runner = await startJobRunner({ databaseUrl, work, pollSeconds: config.JOB_POLL_SECONDS, name: config.ROLE });
    console.log(`  jobs: ${work ? "enqueue and work (domain events, outbox, periodic tasks)" : "enqueue only (ROLE=web)"}`);
    return { stop: () => runner.stop() };
  },
};
