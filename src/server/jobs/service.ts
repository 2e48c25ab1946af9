// The job runner as a background service, started after every domain
// registered its consumers, periodic tasks and outbox senders (last in
// src/server/app/service-list.ts). ROLE=web only enqueues; worker and all
// also consume.
import { registerService } from "@/server/app/services";
import { startJobRunner } from "./runner";

registerService({
  name: "job queue (pg-boss)",
  start: async (config) => {
    const databaseUrl = process.env.DATABASE_URL ?? config.DATABASE_URL;
    if (!databaseUrl) throw new Error("the job queue needs DATABASE_URL (set by start-up for the embedded PostgreSQL)");
    const work = config.ROLE !== "web";
    const runner = await startJobRunner({ databaseUrl, work, pollSeconds: config.JOB_POLL_SECONDS, name: config.ROLE });
    console.log(`  jobs: ${work ? "enqueue and work (domain events, outbox, periodic tasks)" : "enqueue only (ROLE=web)"}`);
    return { stop: () => runner.stop() };
  },
});
