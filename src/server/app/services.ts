// Starts the background services of this build (the list is
// ./service-list.ts; the shape is src/server/lib/background.ts): start order
// is list order and stop order is reversed. A service names the roles it runs
// in (ROLE, src/env.ts): "web" (HTTP, sockets, SMTP: what faces the outside)
// or "worker" (the job queue's consumers and periodic tasks); ROLE=all runs both.
import type { Env } from "@/env";
import { runsIn, type BackgroundService } from "@/server/lib/background";

export async function startBackgroundServices(services: BackgroundService[], config: Env, opts: { log: (s: string) => void }) {
  const running: { name: string; stop: () => Promise<void> }[] = [];
  try {
    for (const service of services) {
      if (!runsIn(service, config.ROLE)) continue;
      const handle = await service.start(config);
      if (handle) running.push({ name: service.name, stop: handle.stop });
      opts.log(`• ${service.name} started`);
    }
  } catch (error) {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    throw error;
  }
  return {
    stop: async () => {
      for (const r of running.reverse()) {
        await r.stop().catch((error: unknown) => console.error(`stopping ${r.name}: ${(error as Error).message}`));
      }
    },
  };
}
