// npm test: the whole suite (unit, integration against a real embedded
// PostgreSQL, end-to-end in headless Chromium). Builds the app first when the
// build is missing or older than the sources and the run starts the app (not
// for unit-only runs). Ends with one line
// "N passed, N failed" for CI.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "generated" || entry.name === "node_modules") continue;
      newest = Math.max(newest, newestMtime(p));
    } else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Whether this run starts the app server (integration and e2e tests run the
 * built app): a unit-only run — `--project unit`, or only tests/unit files —
 * needs no build.
 */
function runNeedsBuild(args) {
  const projects = [];
  const files = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--project") projects.push(args[++i] ?? "");
    else if (a.startsWith("--project=")) projects.push(a.slice("--project=".length));
    else if (!a.startsWith("-")) files.push(a);
  }
  if (projects.length > 0 && projects.every((p) => p === "unit")) return false;
  if (files.length > 0 && files.every((f) => f.replace(/^\.\//, "").startsWith("tests/unit"))) return false;
  return true;
}

if (!existsSync("src/generated/prisma/client.ts")) spawnSync(process.execPath, ["scripts/prisma-generate.mjs"], { stdio: "inherit", env });
const buildId = ".next/BUILD_ID";
const stale = !existsSync(buildId) || newestMtime("src") > statSync(buildId).mtimeMs;
if (stale && !process.argv.includes("--no-build") && runNeedsBuild(process.argv.slice(2))) {
  console.log(existsSync(buildId) ? "Sources changed since the last build: rebuilding…" : "No build yet: building…");
  const r = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const report = path.resolve(".vitest-report.json");
rmSync(report, { force: true });
const args = ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2).filter((a) => a !== "--no-build")];
const r = spawnSync(process.execPath, args, { stdio: "inherit", env });

let line = "0 passed, 1 failed";
let failedCount = 1;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, "utf8"));
  const passed = json.numPassedTests ?? 0;
  const failed = (json.numFailedTests ?? 0) + (json.numFailedTestSuites && !json.numFailedTests ? json.numFailedTestSuites : 0);
  const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
  failedCount = failed;
}
console.log(`\n${line}`);
// A failed test fails the run whatever vitest's own exit status says.
process.exit(failedCount > 0 ? 1 : (r.status ?? 1));
