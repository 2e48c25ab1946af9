// The load test's private infrastructure: one PostgreSQL (embedded, or a fresh
// database on DATABASE_URL's server), one private redis-server, the production
// build, and the app processes. Everything started here is registered with
// `cleanup` so Ctrl-C, the hard timeout or a failure leave nothing behind.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureDatabase, freePort, startEmbeddedPostgres } from "../../src/server/db/embedded.ts";
import { startAppServer, type AppServer } from "../../tests/helpers/app-server.ts";

const BUILD_LOCK = "/tmp/tl-build.lock";

type Step = { name: string; run: () => Promise<void> | void };
const steps: Step[] = [];

/** Registers a clean-up step; steps run in reverse order. */
export function onCleanup(name: string, run: Step["run"]) {
  steps.push({ name, run });
}

/** Our direct children still running (from /proc), e.g. an app process interrupted while starting. */
function childPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid) pids.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

// Runs last: whatever child process is still alive (started by us, by pid).
onCleanup("remaining child processes", async () => {
  const pids = childPids();
  for (const pid of pids) process.kill(pid, "SIGTERM");
  for (let i = 0; i < 50 && childPids().some((p) => pids.includes(p)); i++) await new Promise((r) => setTimeout(r, 100));
  for (const pid of childPids()) if (pids.includes(pid)) process.kill(pid, "SIGKILL");
});

let cleaning: Promise<void> | undefined;
export function cleanup(log: (s: string) => void = () => undefined): Promise<void> {
  cleaning ??= (async () => {
    while (steps.length) {
      const step = steps.pop()!;
      try {
        await Promise.race([step.run(), new Promise((r) => setTimeout(r, 25_000))]);
      } catch (error) {
        log(`clean-up of ${step.name} failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

/**
 * Holds the build lock shared (flock -s) so nobody rebuilds .next while our app
 * processes load it; `npm run build` by others takes it exclusively.
 */
export async function holdBuildLockShared(): Promise<() => void> {
  const child = spawn("flock", ["-s", BUILD_LOCK, "sh", "-c", "echo locked; exec cat"], { stdio: ["pipe", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`flock exited with ${code}`)));
  });
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    child.stdin!.end();
    child.kill("SIGTERM");
  };
  onCleanup("build lock", release);
  return release;
}

/** Builds .next (under the shared build lock) when there is no complete build. */
export async function ensureBuild(log: (s: string) => void): Promise<() => void> {
  let release = await holdBuildLockShared();
  if (existsSync(".next/BUILD_ID")) return release;
  release();
  log("no production build in .next: building (flock /tmp/tl-build.lock npm run build)…");
  const r = spawnSync("flock", [BUILD_LOCK, "npm", "run", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
  release = await holdBuildLockShared();
  if (!existsSync(".next/BUILD_ID")) throw new Error("the build finished but .next/BUILD_ID is missing");
  return release;
}

export type Database = { url: string; name: string; where: string };

/** A fresh database for this run: on DATABASE_URL's server when set, else an embedded PostgreSQL in a temp dir. */
export async function startDatabase(runId: string, log: (s: string) => void): Promise<Database> {
  const name = `tl_loadtest_${runId}`;
  const external = process.env.DATABASE_URL;
  if (external) {
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    onCleanup("database", async () => {
      const a = new pg.Client({ connectionString: external });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    });
    const u = new URL(external);
    u.pathname = `/${name}`;
    return { url: u.toString(), name, where: `${u.host} (DATABASE_URL's server)` };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "throughline-loadtest-"));
  onCleanup("temp dir", () => rmSync(dir, { recursive: true, force: true }));
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), ephemeral: true, log: (l) => process.env.LOADTEST_DEBUG && log(`[pg] ${l}`) });
  onCleanup("embedded PostgreSQL", () => db.stop());
  await ensureDatabase(db, name);
  return { url: db.url(name), name, where: `embedded PostgreSQL on 127.0.0.1:${db.port}` };
}

export type Redis = { url: string; pid: number };

export async function startRedis(): Promise<Redis> {
  const binary = spawnSync("sh", ["-c", "command -v redis-server"]).stdout.toString().trim();
  if (!binary) throw new Error("redis-server is not on PATH (Debian: apt-get install redis-server)");
  const port = await freePort();
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"], {
    stdio: "ignore",
  });
  onCleanup("redis-server", () => stopChild(child, 5_000));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if (await canConnect(port)) return { url: `redis://127.0.0.1:${port}`, pid: child.pid! };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("redis-server did not start");
}

function canConnect(port: number) {
  return new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

export async function startApp(databaseUrl: string, redisUrl: string, signInLimit: number): Promise<AppServer> {
  // The abuse limits stay at their defaults on purpose (the run must show whether
  // they get in the way of loopback load), except the per-address sign-in limit:
  // every agent signs in from 127.0.0.1, so it is raised to fit --agents.
  const app = await startAppServer({ databaseUrl, env: { REDIS_URL: redisUrl, LOG_LEVEL: "warn", SIGNIN_RATE_LIMIT: String(signInLimit) } });
  onCleanup(`app process ${app.port}`, async () => {
    await app.stop();
  });
  return app;
}

/** SIGTERM, then SIGKILL after graceMs. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
