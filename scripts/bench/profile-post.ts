// Profiles the app server under single-event POSTs (32 in flight): writes a V8
// CPU profile of the server to PROFILE_DIR (NO_PROFILE=1 to only measure).
// Usage: PROFILE_DIR=/tmp/prof node --import tsx scripts/bench/profile-post.ts
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
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
// 32 keep-alive connections, each sending its next event when the last is answered.
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const post = (body: string) =>
  new Promise<number>((resolve, reject) => {
    const req = http.request(`${app.url}/api/v1/events`, { method: "POST", agent, headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
let k = 0;
let ok = 0;
const until = performance.now() + Number(process.env.SECONDS ?? 10) * 1000;
const begin = performance.now();
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (performance.now() < until) if ((await post(JSON.stringify({ customer: { email: emails[k++ % emails.length] }, name: "page_view", properties: { url: "/blog" } }))) === 202) ok++;
  }),
);
console.log(`${ok} accepted, ${(ok / ((performance.now() - begin) / 1000)).toFixed(0)} msg/s`);
agent.destroy();
await app.stop();
await db.stop();
