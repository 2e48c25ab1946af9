// The visitors: artillery 2 with its built-in socket.io engine, one artillery
// process per app process. Artillery is not a project dependency (it is large
// and pulls a browser toolchain): it is installed on demand into
// scripts/loadtest/.tool (git-ignored), with install scripts off.
//
// Artillery 2.0.21 is pinned: it is the newest release whose engines field
// accepts Node 20 (2.0.22+ require Node >= 22.13).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onCleanup, stopChild } from "../infra.ts";

export const ARTILLERY_VERSION = "2.0.21";
const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOOL_DIR = path.resolve(HERE, "../.tool");
const ARTILLERY_BIN = path.join(TOOL_DIR, "node_modules/artillery/bin/run");
const PROCESSOR = path.join(HERE, "processor.cjs");

/** Installs the pinned artillery into scripts/loadtest/.tool unless it is there already. */
export function ensureArtillery(log: (s: string) => void) {
  const pkg = path.join(TOOL_DIR, "node_modules/artillery/package.json");
  if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version === ARTILLERY_VERSION) return;
  log(`installing artillery@${ARTILLERY_VERSION} into ${path.relative(process.cwd(), TOOL_DIR)} (once; ~600 MB, about a minute)…`);
  mkdirSync(TOOL_DIR, { recursive: true });
  // Its own package.json, so npm does not walk up to the project's.
  if (!existsSync(path.join(TOOL_DIR, "package.json"))) writeFileSync(path.join(TOOL_DIR, "package.json"), '{ "name": "throughline-loadtest-tool", "private": true }\n');
  const r = spawnSync("npm", ["install", "--prefix", TOOL_DIR, `artillery@${ARTILLERY_VERSION}`, "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel", "error"], {
    stdio: "inherit",
  });
  if (r.status !== 0 || !existsSync(ARTILLERY_BIN)) throw new Error(`installing artillery failed (npm exit ${r.status})`);
}

export type VisitorPart = {
  part: string;
  /** Socket.io URL including the namespace, e.g. http://127.0.0.1:3001/widget */
  target: string;
  inbox: string;
  visitors: number;
  rampSeconds: number;
  connectTimeoutMs: number;
};

export type PacingEnv = { runId: string; durationMs: number; minMs: number; maxMs: number; logPrefix: string };

/** The artillery test script (JSON is valid YAML). */
function script(p: VisitorPart) {
  return {
    config: {
      target: p.target,
      processor: PROCESSOR,
      phases: [{ name: `${p.visitors} widget visitors arrive`, duration: p.rampSeconds, arrivalCount: p.visitors }],
      // Passed to socket.io-client's io(): the widget's handshake, websocket only
      // (what the widget tries first; no sticky sessions needed). The engine fails
      // a visitor on its first connect error while the widget retries, so the
      // connect timeout is generous (socket.io-client's default is 20 s).
      socketio: { transports: ["websocket"], auth: { inbox: p.inbox }, reconnection: true, timeout: p.connectTimeoutMs },
    },
    scenarios: [
      {
        name: "widget visitor chatting",
        engine: "socketio",
        flow: [
          { function: "init" },
          {
            loop: [
              { function: "wait" },
              { function: "compose" },
              {
                emit: ["message:send", { clientId: "{{ clientId }}", text: "{{ text }}" }],
                acknowledge: { capture: { json: "$.0", as: "ack" } },
              },
              { function: "acked" },
            ],
            whileTrue: "keepSending",
          },
          { function: "stayUntilEnd" },
        ],
      },
    ],
  };
}

export type ArtilleryRun = { part: string; child: ChildProcess; exited: Promise<number | null>; reportPath: string; logPath: string };

export function startArtillery(dir: string, p: VisitorPart, pacing: PacingEnv): ArtilleryRun {
  const scriptPath = path.join(dir, `artillery-${p.part}.yml`);
  const reportPath = path.join(dir, `artillery-${p.part}.json`);
  const logPath = path.join(dir, `artillery-${p.part}.log`);
  writeFileSync(scriptPath, JSON.stringify(script(p), null, 2));
  const child = spawn(process.execPath, [ARTILLERY_BIN, "run", "--output", reportPath, scriptPath], {
    env: {
      ...process.env,
      ARTILLERY_DISABLE_TELEMETRY: "true",
      LOADTEST_RUN_ID: pacing.runId,
      LOADTEST_PART: p.part,
      LOADTEST_DURATION_MS: String(pacing.durationMs),
      LOADTEST_MIN_MS: String(pacing.minMs),
      LOADTEST_MAX_MS: String(pacing.maxMs),
      LOADTEST_VISITOR_LOG: pacing.logPrefix,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = createWriteStream(logPath);
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  onCleanup(`artillery ${p.part}`, () => stopChild(child, 5_000));
  return { part: p.part, child, exited, reportPath, logPath };
}

type Summary = { min: number; max: number; count: number; mean: number; p50: number; median: number; p95: number; p99: number };
export type ArtilleryReport = { counters: Record<string, number>; summaries: Record<string, Summary> };

export function readArtilleryReport(reportPath: string): ArtilleryReport | null {
  if (!existsSync(reportPath)) return null;
  const json = JSON.parse(readFileSync(reportPath, "utf8")) as { aggregate?: { counters?: Record<string, number>; summaries?: Record<string, Summary> } };
  return { counters: json.aggregate?.counters ?? {}, summaries: json.aggregate?.summaries ?? {} };
}
