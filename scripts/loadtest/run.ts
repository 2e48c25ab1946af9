// npm run loadtest: widget visitors chatting while agents watch, across two app
// processes sharing one PostgreSQL and one Redis, all on loopback. Bounded in
// count and time; cleans up everything it started. Prints messages sent /
// acked / stored / delivered (must be equal), latencies, errors and memory per
// app process, and writes the same as JSON to .loadtest/<timestamp>.json.
//
//   npm run loadtest                                    # 1,000 visitors, 50 agents, 150 s
//   npm run loadtest -- --visitors 100 --duration 30    # smoke run
//
// Flags: --visitors N, --agents N, --duration S (send phase), --min-interval S,
// --max-interval S (pause between a visitor's messages), --timeout S (hard cap on
// the whole run), --settle S (max wait for deliveries after the last ack),
// --connect-timeout S (a visitor's socket.io connect timeout; artillery gives up
// on a visitor whose first connect fails, where the real widget keeps retrying).
// See docs/loadtest.md.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { signIn } from "../../tests/helpers/app-server.ts";
import { cleanup, ensureBuild, onCleanup, startApp, startDatabase, startRedis, stopChild } from "./infra.ts";
import { childrenOf, Sampler } from "./sampler.ts";
import { Histogram } from "./histogram.ts";
import { ARTILLERY_VERSION, ensureArtillery, readArtilleryReport, startArtillery, type ArtilleryReport, type ArtilleryRun } from "./artillery/driver.ts";
import { readVisitorLogs } from "./visitor-log.ts";
import { buildReport, printReport, type AgentSide } from "./report.ts";
import type { AgentsReady, AgentsResult } from "./agents.ts";

const { values: args } = parseArgs({
  options: {
    visitors: { type: "string", default: "1000" },
    agents: { type: "string", default: "50" },
    duration: { type: "string", default: "150" },
    "min-interval": { type: "string", default: "10" },
    "max-interval": { type: "string", default: "20" },
    timeout: { type: "string" },
    settle: { type: "string", default: "60" },
    "connect-timeout": { type: "string", default: "60" },
  },
  strict: true,
});

const int = (name: string, v: string | undefined, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got ${v})`);
    process.exit(2);
  }
  return n;
};
const VISITORS = Math.round(int("visitors", args.visitors, 2, 5_000));
const AGENTS = Math.round(int("agents", args.agents, 2, 200));
const DURATION = int("duration", args.duration, 15, 1_800);
const MIN_INTERVAL = int("min-interval", args["min-interval"], 1, 600);
const MAX_INTERVAL = int("max-interval", args["max-interval"], MIN_INTERVAL, 600);
const SETTLE = int("settle", args.settle, 1, 600);
const CONNECT_TIMEOUT = int("connect-timeout", args["connect-timeout"], 1, 600);
if (DURATION < MAX_INTERVAL + 5) {
  console.error(`--duration must be at least --max-interval + 5 s (${MAX_INTERVAL + 5}): every visitor sends its first message within one interval of arriving`);
  process.exit(2);
}
// Visitors arrive over RAMP seconds and each sends its first message within one
// max-interval of arriving, so every visitor is chatting before the end.
const RAMP = Math.max(1, Math.min(30, Math.floor(DURATION - MAX_INTERVAL)));
// Generous: start-up (build check, database, two app processes, sign-ins) + send phase + settle.
const TIMEOUT = args.timeout ? int("timeout", args.timeout, 30, 7_200) : DURATION + SETTLE + 420;

/** Sign-in attempts per client IP per 5 minutes (src/server/security/abuse.ts). */
// Every agent signs in once from 127.0.0.1: the per-address sign-in limit must fit them.
const SIGN_IN_LIMIT = Math.max(60, AGENTS + 10);

const runId = Date.now().toString(36);
const startedAt = new Date();
const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${s}`);

let exiting = false;
async function exit(code: number, why?: string) {
  if (exiting) return;
  exiting = true;
  if (why) log(why);
  log("cleaning up (app processes, artillery, agents, Redis, PostgreSQL)…");
  await cleanup(log);
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void exit(130, `${signal}: stopping the load test`));
const hardTimeout = setTimeout(() => void exit(3, `hard timeout of ${TIMEOUT} s reached: aborting`), TIMEOUT * 1000);
hardTimeout.unref();

/** Forks one agents child for an app process. */
function forkAgents(label: string): ChildProcess {
  const child = fork(path.join(import.meta.dirname, "agents.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  onCleanup(`agents ${label}`, () => stopChild(child, 3_000));
  return child;
}

function request<T extends { type: string }>(child: ChildProcess, message: object, answer: T["type"], timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => (child.off("message", on), reject(new Error(`no "${answer}" from the agents process within ${timeoutMs} ms`))), timeoutMs);
    const on = (m: T) => {
      if (m.type !== answer) return;
      clearTimeout(timer);
      child.off("message", on);
      resolve(m);
    };
    child.on("message", on);
    child.send(message);
  });
}

async function main() {
  log(`load test ${runId}: ${VISITORS} widget visitors, ${AGENTS} agents, 2 app processes, send phase ${DURATION} s (ramp ${RAMP} s), a message every ${MIN_INTERVAL}–${MAX_INTERVAL} s per visitor; hard timeout ${TIMEOUT} s`);
  log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  // All agents sign in from 127.0.0.1: the app processes get SIGNIN_RATE_LIMIT = SIGN_IN_LIMIT (src/server/security/abuse.ts).
  ensureArtillery(log);

  const releaseBuild = await ensureBuild(log);
  const database = await startDatabase(runId, log);
  log(`database ${database.name} on ${database.where}`);
  const redis = await startRedis();
  log(`redis-server ${redis.url} (pid ${redis.pid})`);
  const a = await startApp(database.url, redis.url, SIGN_IN_LIMIT);
  log(`app process A on ${a.url} (pid ${a.child.pid}; seeded the demo data)`);
  const b = await startApp(database.url, redis.url, SIGN_IN_LIMIT);
  log(`app process B on ${b.url} (pid ${b.child.pid})`);

  // Agents: users of the Support team (which sees the website widget inbox).
  process.env.DATABASE_URL = database.url;
  const { createAgents } = await import("./setup.ts");
  const setup = await createAgents(runId, AGENTS);
  log(`created ${AGENTS} agents in team "${setup.teamName}"; widget inbox "${setup.inbox.publicId}"`);

  const apps = [
    { label: "A", app: a, emails: setup.emails.filter((_, i) => i % 2 === 0) },
    { label: "B", app: b, emails: setup.emails.filter((_, i) => i % 2 === 1) },
  ];
  const signInErrors: Record<string, number> = {};
  const cookies = new Map<string, { email: string; cookie: string }[]>();
  for (const { label, app, emails } of apps) {
    const signed: { email: string; cookie: string }[] = [];
    for (const email of emails) {
      const r = await signIn(app.url, email, setup.password);
      if (r.ok) signed.push({ email, cookie: r.cookie });
      else signInErrors[r.error ?? "no session cookie"] = (signInErrors[r.error ?? "no session cookie"] ?? 0) + 1;
    }
    cookies.set(label, signed);
  }
  // Nothing below loads from .next: others may rebuild now.
  releaseBuild();
  log(`signed in ${[...cookies.values()].reduce((n, c) => n + c.length, 0)}/${AGENTS} agents${Object.keys(signInErrors).length ? ` (failures: ${JSON.stringify(signInErrors)})` : ""}`);

  const agentProcs = apps.map(({ label }) => ({ label, child: forkAgents(label) }));
  const ready = await Promise.all(
    agentProcs.map(({ label, child }) =>
      request<AgentsReady>(child, { type: "start", url: apps.find((x) => x.label === label)!.app.url, runId, agents: cookies.get(label) }, "ready", 120_000),
    ),
  );
  const subscribed = ready.reduce((n, r) => n + r.subscribed, 0);
  log(`agents connected and subscribed: A ${ready[0]!.subscribed}/${cookies.get("A")!.length}, B ${ready[1]!.subscribed}/${cookies.get("B")!.length}`);

  const sampler = new Sampler();
  sampler.track("app A", a.child.pid!);
  sampler.track("app B", b.child.pid!);
  sampler.track("redis", redis.pid);
  for (const p of agentProcs) sampler.track(`agents ${p.label}`, p.child.pid!);
  // The embedded PostgreSQL is our child: its postmaster, CPU including the backends.
  const comm = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8");
    } catch {
      return "";
    }
  };
  const postmaster = childrenOf(process.pid).find((pid) => comm(pid).startsWith("postgres"));
  if (postmaster) sampler.track("postgres (CPU incl. backends; RSS postmaster)", postmaster, true);

  // Visitors: half on each process.
  const dir = mkdtempSync(path.join(os.tmpdir(), `throughline-loadtest-${runId}-`));
  onCleanup("run dir", () => rmSync(dir, { recursive: true, force: true }));
  const logPrefix = path.join(dir, "visitors");
  const pacing = { runId, durationMs: DURATION * 1000, minMs: MIN_INTERVAL * 1000, maxMs: MAX_INTERVAL * 1000, logPrefix };
  const half = Math.ceil(VISITORS / 2);
  const runs: ArtilleryRun[] = [
    startArtillery(dir, { part: "a", target: `${a.url.replace("localhost", "127.0.0.1")}/widget`, inbox: setup.inbox.publicId, visitors: half, rampSeconds: RAMP, connectTimeoutMs: CONNECT_TIMEOUT * 1000 }, pacing),
    startArtillery(dir, { part: "b", target: `${b.url.replace("localhost", "127.0.0.1")}/widget`, inbox: setup.inbox.publicId, visitors: VISITORS - half, rampSeconds: RAMP, connectTimeoutMs: CONNECT_TIMEOUT * 1000 }, pacing),
  ];
  for (const r of runs) sampler.track(`artillery ${r.part}`, r.child.pid!);
  sampler.start(2_000);
  const sendStarted = Date.now();
  log(`artillery ${ARTILLERY_VERSION} started (pids ${runs.map((r) => r.child.pid).join(", ")}); logs in ${dir}`);

  const deliveriesNow = async () => {
    const answers = await Promise.all(agentProcs.map((p) => request<{ type: "progress"; deliveries: number; duplicates: number }>(p.child, { type: "progress" }, "progress", 10_000)));
    return { deliveries: answers.reduce((n, x) => n + x.deliveries, 0), duplicates: answers.reduce((n, x) => n + x.duplicates, 0) };
  };

  let done = false;
  void Promise.all(runs.map((r) => r.exited)).then(() => (done = true));
  while (!done) {
    await new Promise((r) => setTimeout(r, 10_000));
    if (exiting) return; // Ctrl-C or the hard timeout: exit() is cleaning up
    if (done) break;
    const v = readVisitorLogs(dir, "visitors");
    const d = await deliveriesNow();
    log(`t+${Math.round((Date.now() - sendStarted) / 1000)} s: sent ${v.sent.size}, acked ${v.ackedOk}, refused ${v.refused}; agent deliveries ${d.deliveries}; ${sampler.current()}; load ${os.loadavg()[0]!.toFixed(2)}`);
  }
  const exitCodes = await Promise.all(runs.map((r) => r.exited));
  const sendEnded = Date.now();
  log(`artillery finished (exit ${exitCodes.join(", ")}) after ${((sendEnded - sendStarted) / 1000).toFixed(0)} s`);

  // Every ack is in (each visitor waits for its ack); wait for the pushes to agents.
  const { countStored } = await import("./setup.ts");
  let stored = await countStored(runId, setup.inbox.id);
  const expected = stored.messages * subscribed;
  const settleDeadline = Date.now() + SETTLE * 1000;
  let last = -1;
  let quietSince = Date.now();
  for (;;) {
    const { deliveries } = await deliveriesNow();
    if (deliveries >= expected) break;
    if (deliveries !== last) {
      last = deliveries;
      quietSince = Date.now();
    }
    // Nothing arrived for 10 s: what is missing will not come.
    if (Date.now() > settleDeadline || Date.now() - quietSince > 10_000) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const settleMs = Date.now() - sendEnded;
  stored = await countStored(runId, setup.inbox.id);
  const resources = sampler.stop();

  const results = await Promise.all(agentProcs.map((p) => request<AgentsResult>(p.child, { type: "finish" }, "result", 30_000)));
  const agentSide: AgentSide = { perProcess: results.map((r, i) => ({ label: agentProcs[i]!.label, ...r })), subscribed, signInErrors, ready };
  const artillery = runs.map((r) => ({ part: r.part, exitCode: exitCodes[runs.indexOf(r)] ?? null, report: readArtilleryReport(r.reportPath) as ArtilleryReport | null, logTail: tail(r.logPath) }));
  const visitors = readVisitorLogs(dir, "visitors");
  const report = buildReport({
    runId,
    startedAt,
    options: {
      visitors: VISITORS,
      agents: AGENTS,
      durationSeconds: DURATION,
      rampSeconds: RAMP,
      minIntervalSeconds: MIN_INTERVAL,
      maxIntervalSeconds: MAX_INTERVAL,
      settleSeconds: SETTLE,
      connectTimeoutSeconds: CONNECT_TIMEOUT,
    },
    database: database.where,
    sendPhaseSeconds: (sendEnded - sendStarted) / 1000,
    settleSeconds: settleMs / 1000,
    visitors,
    stored,
    agentSide,
    latency: mergeLatency(results),
    artillery,
    resources,
    appLogs: { A: a.logs(), B: b.logs() },
  });
  printReport(report);
  mkdirSync(".loadtest", { recursive: true });
  const file = path.join(".loadtest", `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  log(`report written to ${file}`);
  await exit(report.verdict.ok ? 0 : 1);
}

function mergeLatency(results: AgentsResult[]) {
  const h = new Histogram();
  for (const r of results) h.merge(r.latency);
  return h.summary();
}

function tail(file: string, lines = 15) {
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
}


main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  void exit(2, "load test failed");
});
