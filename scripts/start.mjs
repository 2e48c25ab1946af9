// npm start: build when no production build exists, then run the one server
// process (Next.js + socket.io + SMTP + the job queue's workers) in this
// process's place. ROLE=web|worker|all (default all) picks what it runs
// (src/env.ts); a worker serves no pages, so it needs no build.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const dev = process.argv.includes("--dev");
const worker = process.env.ROLE === "worker";
if (!dev && !worker && !existsSync(".next/BUILD_ID")) {
  console.log("No production build found: building (one time)…");
  const r = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, ["--import", "tsx", "server.ts", ...(dev ? ["--dev"] : [])], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: dev ? "development" : "production", NEXT_TELEMETRY_DISABLED: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
