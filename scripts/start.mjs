// npm start: build when no production build exists, then run the one server
// process (Next.js + socket.io + SMTP) in this process's place.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const dev = process.argv.includes("--dev");
if (!dev && !existsSync(".next/BUILD_ID")) {
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
