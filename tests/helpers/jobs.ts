// Job runners for in-process tests: what `npm start` runs (src/server/jobs/),
// against the test file's database, with short polls and maintenance passes.
// Several runners in one process stand for several processes on one database;
// only the first one started forwards this process's bus (one bus, one
// forwarder), the others only consume.
import { loadJobDefinitions } from "@/server/app/service-list";
import { getBoss } from "@/server/jobs/boss";
import { startJobRunner, type JobRunner, type JobRunnerOptions } from "@/server/jobs/runner";

export async function startTestJobRunner(opts: Partial<JobRunnerOptions> = {}): Promise<JobRunner> {
  await loadJobDefinitions();
  return startJobRunner({
    databaseUrl: process.env.DATABASE_URL!,
    work: true,
    produce: !getBoss(),
    pollSeconds: 0.5,
    superviseSeconds: 1,
    log: () => undefined,
    ...opts,
  });
}
