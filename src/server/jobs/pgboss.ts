// Makes the pg-boss instance (the runner's side; ./boss.ts holds the names,
// the queue options and this process's instance).
import { PgBoss, type ConstructorOptions } from "pg-boss";
import type { QueueSpec } from "./boss";

export type BossOptions = {
  databaseUrl: string;
  /** Runs maintenance (expiry of dead workers' jobs, retention) and cron. */
  supervise: boolean;
  /** Seconds between maintenance passes (job expiry, heartbeats). */
  superviseSeconds?: number;
  poolSize?: number;
  name?: string;
};

export function createBoss(opts: BossOptions): PgBoss {
  const superviseSeconds = opts.superviseSeconds ?? 10;
  const config: ConstructorOptions = {
    connectionString: opts.databaseUrl,
    schema: "pgboss",
    application_name: `throughline-jobs${opts.name ? `-${opts.name}` : ""}`,
    max: opts.poolSize ?? 4,
    supervise: opts.supervise,
    schedule: opts.supervise,
    superviseIntervalSeconds: superviseSeconds,
    monitorIntervalSeconds: superviseSeconds,
    // New jobs wake the workers at once; polling stays as the floor (and serves deferred jobs).
    useListenNotify: opts.supervise,
    instanceName: opts.name,
    migrate: true,
    createSchema: true,
  };
  const boss = new PgBoss(config);
  let lastError = 0;
  // Without a listener an "error" event would crash the process (EventEmitter); a
  // database outage makes every poll fail: log once every 30 s.
  boss.on("error", (error: Error) => {
    if (Date.now() - lastError < 30_000) return;
    lastError = Date.now();
    console.error(`[jobs] ${error.message}`);
  });
  return boss;
}

/** Creates the queue when missing and brings its options up to date. */
export async function ensureQueue(boss: PgBoss, name: string, spec: QueueSpec) {
  await boss.createQueue(name, spec);
  // Options a newer release changed reach queues created by an older one (policy cannot change).
  const changeable = { retryLimit: spec.retryLimit, retryDelay: spec.retryDelay, retryBackoff: spec.retryBackoff, expireInSeconds: spec.expireInSeconds, deleteAfterSeconds: spec.deleteAfterSeconds, notify: spec.notify };
  await boss.updateQueue(name, Object.fromEntries(Object.entries(changeable).filter(([, v]) => v !== undefined)));
}

