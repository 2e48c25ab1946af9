// Background services started with the app (SMTP server, job runner, presence).
// Each channel or worker registers itself here; start order is list order and
// stop order is reversed. A service names the roles it runs in (ROLE, src/env.ts):
// "web" (HTTP, sockets, SMTP: what faces the outside) or "worker" (the job
// queue's consumers and periodic tasks); ROLE=all runs both.
import type { Env } from "@/env";

export type ServiceRole = "web" | "worker";
export type BackgroundService = {
  name: string;
  /** Default: both. */
  roles?: ServiceRole[];
  start: (config: Env) => Promise<{ stop: () => Promise<void> } | void>;
};

const registry: BackgroundService[] = [];
let redisState: "ok" | "down" | undefined;

export function registerService(service: BackgroundService) {
  registry.push(service);
}

export function setTransportHealth(state: "ok" | "down" | undefined) {
  redisState = state;
}

export function transportHealth() {
  return redisState;
}

export function runsIn(service: BackgroundService, role: Env["ROLE"]): boolean {
  if (role === "all") return true;
  return (service.roles ?? ["web", "worker"]).includes(role);
}

export async function startBackgroundServices(config: Env, opts: { log: (s: string) => void }) {
  const running: { name: string; stop: () => Promise<void> }[] = [];
  try {
    for (const service of registry) {
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
