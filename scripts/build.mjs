// Production build: Prisma client (if missing), the widget bundle (when it
// exists), then `next build`. `npm start` calls this when no build is present.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
function run(cmd, args) {
  const t = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return Date.now() - t;
}

if (!existsSync("src/generated/prisma/client.ts")) run(process.execPath, ["scripts/prisma-generate.mjs"]);
if (existsSync("scripts/build-widget.mjs")) run(process.execPath, ["scripts/build-widget.mjs"]);
const ms = run(process.execPath, ["node_modules/next/dist/bin/next", "build"]);
console.log(`next build took ${(ms / 1000).toFixed(1)} s`);
