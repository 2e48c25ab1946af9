// Redis for the scale-out tests. Two kinds: the machine's Redis (TEST_REDIS_URL,
// keys under a per-run prefix) for tests that only share it, and a private
// redis-server for tests that stop it. The default `npm test` must pass on a
// machine with neither, so those suites skip there and say why; under CI
// (CI=true) a missing Redis fails the suite instead, because CI must run them.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import net from "node:net";
import { freePort } from "../../src/server/db/embedded";

export const MACHINE_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function answers(port: number, host: string) {
  return new Promise<boolean>((resolve) => {
    const s = net.connect(port, host, () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/** Skip (true) when the need is not met on a developer machine; throw under CI, which must run the suite. */
function skipUnlessMet(missing: string | null): boolean {
  if (!missing) return false;
  if (process.env.CI) throw new Error(`${missing}; CI must run the Redis suites`);
  console.warn(`skipped: ${missing}`);
  return true;
}

/** True when the machine's Redis is not reachable here (outside CI); the describe's title should say which URL. */
export async function withoutMachineRedis(): Promise<boolean> {
  const { hostname, port } = new URL(MACHINE_REDIS_URL);
  const up = await answers(Number(port || 6379), hostname);
  return skipUnlessMet(up ? null : `no Redis answers at ${MACHINE_REDIS_URL} (set TEST_REDIS_URL)`);
}

const redisServerPath = spawnSync("sh", ["-c", "command -v redis-server"]).stdout.toString().trim();

/** True when redis-server is not on PATH (outside CI). */
export function withoutRedisServer(): boolean {
  return skipUnlessMet(redisServerPath ? null : "redis-server is not on PATH (Debian package redis-server)");
}

export type PrivateRedis = { url: string; port: number; process: ChildProcess; stop(): void };

/** A private, non-persistent redis-server on a free port, ready when this resolves. */
export async function startPrivateRedis(port?: number): Promise<PrivateRedis> {
  const p = port ?? (await freePort());
  const child = spawn(redisServerPath, ["--port", String(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; !(await answers(p, "127.0.0.1")); i++) {
    if (i > 50) {
      child.kill("SIGKILL");
      throw new Error("redis-server did not start");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `redis://127.0.0.1:${p}`, port: p, process: child, stop: () => void child.kill("SIGKILL") };
}
