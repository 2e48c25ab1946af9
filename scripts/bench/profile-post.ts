// Profiles the app server under single-event POSTs (32 in flight, autocannon in
// another process): writes a V8 CPU profile of the server to PROFILE_DIR.
// Usage: PROFILE_DIR=/tmp/prof node --import tsx scripts/bench/profile-post.ts
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { startEmbeddedPostgres, ensureDatabase } from "../../src/server/db/embedded.ts";
import { deployMigrations } from "../../src/server/db/migrator.ts";
import { seedVolume } from "../../src/server/seed/volume.ts";
import { hashApiKey } from "../../src/server/api-keys/hash.ts";
import { startAppServer } from "../../tests/helpers/app-server.ts";

const KEY = "tl_bench_key_0123456789abcdef";
const dir = process.env.PROFILE_DIR ?? "/tmp/prof";
const tmp = mkdtempSync(path.join(os.tmpdir(), "tl-prof-"));
const db = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), ephemeral: true });
await ensureDatabase(db, "bench");
const url = db.url("bench");
await deployMigrations(url);
await seedVolume(url, { customers: 5_000, events: 50_000 });
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`INSERT INTO api_keys (id, name, prefix, key_hash, scopes) VALUES (gen_random_uuid(), 'bench', $1, $2, ARRAY['*'])`, [KEY.slice(0, 10), hashApiKey(KEY)]);
const emails = (await admin.query<{ value: string }>("SELECT value FROM customer_identities WHERE kind = 'email' LIMIT 2000")).rows.map((r) => r.value);
await admin.end();
const app = await startAppServer({ databaseUrl: url, seed: false, env: { LOG_LEVEL: "warn", API_KEY_RATE_LIMIT: "0" }, nodeArgs: process.env.NO_PROFILE ? [] : ["--cpu-prof", `--cpu-prof-dir=${dir}`] });
const script = `
const autocannon = require("autocannon");
const emails = ${JSON.stringify(emails)};
let k = 0;
autocannon({ url: "${app.url}/api/v1/events", connections: 32, duration: ${process.env.SECONDS ?? 10}, method: "POST",
  headers: { authorization: "Bearer ${KEY}", "content-type": "application/json" },
  requests: [{ setupRequest: (r) => ({ ...r, body: JSON.stringify({ customer: { email: emails[k++ % emails.length] }, name: "page_view", properties: { url: "/blog" } }) }) }],
}, (err, res) => { if (err) throw err; console.log("req/s", res.requests.average, "p50", res.latency.p50, "p99", res.latency.p99, "non2xx", res.non2xx, "errors", res.errors); });
`;
const r = spawnSync(process.execPath, ["-e", script], { cwd: "/tmp/fw", stdio: "inherit" });
console.log("autocannon exit", r.status);
await app.stop();
await db.stop();
