// Background services started with the app (SMTP server, outbox sender, timers).
// Each channel or worker registers itself here; start order is list order and
// stop order is reversed.
import type { Env } from "@/env";

export type BackgroundService = { name: string; start: (config: Env) => Promise<{ stop: () => Promise<void> } | void> };

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

export async function startBackgroundServices(config: Env, opts: { log: (s: string) => void }) {
  const running: { name: string; stop: () => Promise<void> }[] = [];
  for (const service of registry) {
    const handle = await service.start(config);
    if (handle) running.push({ name: service.name, stop: handle.stop });
    opts.log(`• ${service.name} started`);
  }
  return {
    stop: async () => {
      for (const r of running.reverse()) {
        await r.stop().catch((error: unknown) => console.error(`stopping ${r.name}: ${(error as Error).message}`));
      }
    },
  };
}
