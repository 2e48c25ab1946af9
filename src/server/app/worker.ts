// ROLE=worker: the background half of the app in its own process — the job
// queue's consumers (domain events → journey, rules, SLA, surveys), the
// outbox's senders and the periodic tasks (SLA watcher, snooze waker, rule
// timers, journey sweep, outbox sweep). No HTTP, no SMTP. Start as many as
// you like next to the web processes (ROLE=web) on one PostgreSQL: each job
// runs once whichever process takes it.
//
// What the worker changes reaches the consoles live through socket.io's Redis
// adapter (REDIS_URL): the worker attaches a socket.io server that listens on
// nothing and only emits. Without Redis, split roles still work, but the
// console sees a worker's changes (a message marked sent, an SLA breach) on
// its next fetch rather than live.
import http from "node:http";
import { resetEnvCache, type Env } from "@/env";
import { deployMigrations } from "@/server/db/migrator";
import { disconnectDb, getDb } from "@/server/db";
import { loadInstanceSecrets } from "@/server/security/instance-secrets";
import { startBackgroundServices } from "./services";

export type RunningWorker = { stop: () => Promise<void> };

export async function startWorker(config: Env, opts: { quiet?: boolean } = {}): Promise<RunningWorker> {
  const log = (line: string) => {
    if (!opts.quiet) console.log(line);
  };
  const databaseUrl = config.DATABASE_URL ?? process.env.DATABASE_URL;
  // An embedded PostgreSQL of its own would be a helpdesk of its own: a worker joins the web processes' database.
  if (!databaseUrl) throw new Error("ROLE=worker needs DATABASE_URL (the web processes' PostgreSQL)");
  process.env.DATABASE_URL = databaseUrl;
  const workerConfig: Env = { ...config, ROLE: "worker" };
  try {
    const applied = await deployMigrations(databaseUrl);
    log(applied.length ? `• migrations applied: ${applied.join(", ")}` : "• database schema up to date");
    // Rule webhooks and survey links sign with the instance's keys.
    await loadInstanceSecrets(getDb());
    resetEnvCache();

    const { loadServices } = await import("./service-list");
    const backgroundServices = await loadServices();
    let closeRealtime: (() => Promise<void>) | undefined;
    if (config.REDIS_URL) {
      const { attachRealtime } = await import("@/server/realtime/server");
      const realtime = await attachRealtime(http.createServer(), workerConfig);
      closeRealtime = () => realtime.close();
      log("• live pushes through Redis");
    }
    const services = await startBackgroundServices(backgroundServices, workerConfig, { log });
    log("\nThroughline worker is running (ROLE=worker)");
    let stopped = false;
    return {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await services.stop();
        await closeRealtime?.();
        await disconnectDb();
      },
    };
  } catch (error) {
    await disconnectDb().catch(() => undefined);
    throw error;
  }
}
