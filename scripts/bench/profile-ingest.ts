// Profiles the ingestion service batched (1,000 per call, as the bench does) in
// this process; run with node --cpu-prof --import tsx.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, ensureDatabase } from "../../src/server/db/embedded.ts";
import { deployMigrations } from "../../src/server/db/migrator.ts";
import { seedVolume } from "../../src/server/seed/volume.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "tl-prof-"));
const db = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), ephemeral: true });
await ensureDatabase(db, "bench");
const url = db.url("bench");
await deployMigrations(url);
await seedVolume(url, { customers: 5_000, events: 50_000 });
const admin = new pg.Client({ connectionString: url });
await admin.connect();
const emails = (await admin.query<{ value: string }>("SELECT value FROM customer_identities WHERE kind = 'email' LIMIT 2000")).rows.map((r) => r.value);
process.env.DATABASE_URL = url;
const { recordTouchpoints } = await import("../../src/server/ingest/record.ts");
const batch = (n: number) =>
  recordTouchpoints(Array.from({ length: 1000 }, (_, k) => ({ identities: [{ kind: "email" as const, value: emails[(n + k) % emails.length]!, source: "api" }], channel: "api" as const, kind: "product_event" as const, actor: "customer" as const, name: "page_view", text: "Viewed /pricing", payload: { url: "/pricing" }, dedupeKey: `p:${n}:${k}` })));
const raw = (n: number) => admin.query(`INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, name, text, payload, dedupe_key)
  SELECT gen_random_uuid(), c, c, now(), 'product_event', 'api', 'customer', 'page_view', 'Viewed /pricing', '{"url":"/pricing"}'::jsonb, 'raw:' || gen_random_uuid()
  FROM (SELECT customer_id AS c FROM customer_identities WHERE kind='email' LIMIT 1000) x`);
await batch(0); await raw(0);
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  for (let n = 1; n <= 10; n++) await raw(n);
  const rawMs = performance.now() - t;
  t = performance.now();
  for (let n = 1; n <= 10; n++) await batch(round * 100_000 + n * 1000);
  const svcMs = performance.now() - t;
  console.log(`raw ${(10000 / rawMs * 1000).toFixed(0)} ev/s, service ${(10000 / svcMs * 1000).toFixed(0)} ev/s = ${(rawMs / svcMs * 100).toFixed(0)} %`);
}
const { disconnectDb } = await import("../../src/server/db.ts");
const { closeHotPool } = await import("../../src/server/db/pg.ts");
await disconnectDb(); await closeHotPool(); await admin.end(); await db.stop();
