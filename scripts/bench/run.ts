// npm run bench: the single view's performance figures, measured side by side in
// one run on a database it generates itself (embedded PostgreSQL, or
// BENCH_DATABASE_URL's server). Prints figures; asserts nothing.
//
//   1. timeline first page (50 items) via the REST endpoint vs the same page by raw
//      SQL over pg (and raw SQL behind a bare node:http server, to show what HTTP
//      itself costs), for customers with 1k, 100k and 1M events;
//   2. ingest throughput: ingestion service (batched), HTTP events API (batch and
//      single) vs raw batched INSERT;
//   3. live latency ingest → socket.io agent client, p50/p99 at 1, 100, 1000 ev/s;
//   4. the customer directory (keyset pages) at 500k customers, for all inboxes and
//      for an agent who sees one inbox of four.
//
// Flags: --quick (100k instead of 1M, fewer samples), --keep (keep the data dir).
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { io as connect } from "socket.io-client";
import { startEmbeddedPostgres, ensureDatabase, freePort } from "../../src/server/db/embedded.ts";
import { deployMigrations } from "../../src/server/db/migrator.ts";
import { seedVolume } from "../../src/server/seed/volume.ts";
import { hashApiKey } from "../../src/server/api-keys/hash.ts";
import { hashPassword } from "../../src/server/auth/login.ts";
import { startAppServer, signIn } from "../../tests/helpers/app-server.ts";

const quick = process.argv.includes("--quick");
const HEAVY = quick ? [1_000, 10_000, 100_000] : [1_000, 100_000, 1_000_000];
const SAMPLES = quick ? 100 : 300;
const API_KEY = "tl_bench_key_0123456789abcdef";

const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${s}`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function main() {
  // ---------------------------------------------------------------- setup
  let url = process.env.BENCH_DATABASE_URL;
  let stopDb: (() => Promise<void>) | undefined;
  const tmp = mkdtempSync(path.join(os.tmpdir(), "throughline-bench-"));
  if (!url) {
    const db = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), ephemeral: !process.argv.includes("--keep") });
    await ensureDatabase(db, "bench");
    url = db.url("bench");
    stopDb = db.stop;
  }
  await deployMigrations(url);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query("TRUNCATE customers, customer_identities, timeline_events, users, api_keys CASCADE");
  await admin.query(
    `INSERT INTO api_keys (id, name, prefix, key_hash, scopes) VALUES (gen_random_uuid(), 'bench', $1, $2, ARRAY['*'])`,
    [API_KEY.slice(0, 10), hashApiKey(API_KEY)],
  );
  await admin.query(
    `INSERT INTO users (id, email, name, password_hash, role, updated_at) VALUES (gen_random_uuid(), 'bench@throughline.test', 'Bench Admin', $1, 'admin', now())`,
    [await hashPassword("throughline")],
  );

  log(`generating data: ${HEAVY.map((n) => n.toLocaleString("en-US")).join(" / ")}-event customers plus background customers…`);
  const heavyIds: string[] = [];
  for (const [i, n] of HEAVY.entries()) {
    const t = Date.now();
    const r = await seedVolume(url, { customers: i === 0 ? 5_000 : 0, events: i === 0 ? 200_000 : 0, heavyCustomer: { events: n } });
    heavyIds.push(r.heavyCustomerId!);
    log(`  customer with ${n.toLocaleString("en-US")} events ready (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  await admin.query("ANALYZE");
  const total = await admin.query<{ n: string }>("SELECT count(*) AS n FROM timeline_events");
  log(`timeline_events rows: ${Number(total.rows[0]!.n).toLocaleString("en-US")}`);

  const app = await startAppServer({ databaseUrl: url, seed: false, env: { LOG_LEVEL: "warn", API_KEY_RATE_LIMIT: "0" } });
  log(`app server on ${app.url}`);
  const auth = { authorization: `Bearer ${API_KEY}` };

  // ---------------------------------------------------------------- 1. timeline first page
  const PAGE_SQL = `SELECT id, occurred_at, kind, channel, actor, text, conversation_id, payload
    FROM timeline_events WHERE customer_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT 50`;
  const rawHttp = http.createServer(async (req, res) => {
    const id = req.url!.split("/")[2]!;
    const r = await admin.query({ text: PAGE_SQL, values: [id] });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ items: r.rows, nextCursor: null }));
  });
  const rawPort = await freePort();
  await new Promise<void>((r) => rawHttp.listen(rawPort, "127.0.0.1", r));

  const rows: { events: number; endpoint: number; raw: number; rawHttp: number; endpointP99: number }[] = [];
  for (const [i, customerId] of heavyIds.entries()) {
    const time = async (fn: () => Promise<unknown>) => {
      for (let w = 0; w < 20; w++) await fn();
      const xs: number[] = [];
      for (let s = 0; s < SAMPLES; s++) {
        const start = performance.now();
        await fn();
        xs.push(performance.now() - start);
      }
      return xs;
    };
    const endpoint = await time(async () => {
      const res = await fetch(`${app.url}/api/v1/customers/${customerId}/timeline?limit=50`, { headers: auth });
      const body = (await res.json()) as { items: unknown[] };
      if (body.items.length !== 50) throw new Error(`expected 50 items, got ${body.items.length}`);
    });
    const raw = await time(() => admin.query({ text: PAGE_SQL, values: [customerId] }));
    const viaHttp = await time(async () => (await fetch(`http://127.0.0.1:${rawPort}/c/${customerId}`)).json());
    rows.push({ events: HEAVY[i]!, endpoint: pct(endpoint, 50), raw: pct(raw, 50), rawHttp: pct(viaHttp, 50), endpointP99: pct(endpoint, 99) });
  }
  rawHttp.close();
  console.log("\n== Timeline first page (50 items), median of", SAMPLES, "sequential requests ==");
  console.log("events/customer | REST endpoint (p50 / p99) | raw SQL over pg | raw SQL + bare node:http | endpoint ÷ raw SQL | endpoint ÷ raw+http");
  for (const r of rows) {
    console.log(
      `${r.events.toLocaleString("en-US").padStart(15)} | ${ms(r.endpoint).padStart(10)} / ${ms(r.endpointP99).padStart(9)} | ${ms(r.raw).padStart(15)} | ${ms(r.rawHttp).padStart(24)} | ${(r.endpoint / r.raw).toFixed(2).padStart(18)} | ${(r.endpoint / r.rawHttp).toFixed(2).padStart(19)}`,
    );
  }
  const growth = rows[rows.length - 1]!.endpoint / rows[0]!.endpoint;
  console.log(`growth t(${HEAVY[2]!.toLocaleString("en-US")}) / t(${HEAVY[0]!.toLocaleString("en-US")}) for the endpoint: ${growth.toFixed(2)} (target ≤ 1.5)`);
  const plan = await admin.query(`EXPLAIN (ANALYZE, BUFFERS) ${PAGE_SQL.replace("$1", `'${heavyIds[2]}'`)}`);
  console.log("plan at the largest customer:\n  " + plan.rows.map((r) => r["QUERY PLAN"]).join("\n  "));

  // ---------------------------------------------------------------- 2. ingest throughput
  console.log("\n== Ingest throughput ==");
  const emails = (await admin.query<{ value: string }>("SELECT value FROM customer_identities WHERE kind = 'email' LIMIT 2000")).rows.map((r) => r.value);
  const N_BATCH = quick ? 5_000 : 20_000;

  // Raw batched INSERT (1,000 rows per statement): the ceiling.
  const customerIds = (await admin.query<{ customer_id: string }>("SELECT customer_id FROM customer_identities WHERE kind = 'email' LIMIT 2000")).rows.map((r) => r.customer_id);
  let start = performance.now();
  for (let done = 0; done < N_BATCH; done += 1000) {
    const ids = Array.from({ length: 1000 }, (_, k) => customerIds[(done + k) % customerIds.length]!);
    await admin.query(
      `INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, name, text, payload, dedupe_key)
       SELECT gen_random_uuid(), c, c, now(), 'product_event', 'api', 'customer', 'page_view', 'Viewed /pricing', '{"url":"/pricing"}'::jsonb, 'raw:' || gen_random_uuid()
       FROM unnest($1::uuid[]) AS c`,
      [ids],
    );
  }
  const rawRate = N_BATCH / ((performance.now() - start) / 1000);

  // The ingestion service in this process (batched, 1,000 per call).
  process.env.DATABASE_URL = url;
  const { recordTouchpoints } = await import("../../src/server/timeline/ingest.ts");
  start = performance.now();
  for (let done = 0; done < N_BATCH; done += 1000) {
    await recordTouchpoints(
      Array.from({ length: 1000 }, (_, k) => ({
        identities: [{ kind: "email" as const, value: emails[(done + k) % emails.length]!, verified: true, source: "bench" }],
        channel: "api" as const,
        kind: "product_event" as const,
        actor: "customer" as const,
        name: "page_view",
        text: "Viewed /pricing",
        payload: { url: "/pricing" },
        dedupeKey: `svc:${done + k}:${Date.now()}`,
      })),
    );
  }
  const serviceRate = N_BATCH / ((performance.now() - start) / 1000);

  // HTTP events API, batches of 1,000.
  start = performance.now();
  for (let done = 0; done < N_BATCH; done += 1000) {
    const res = await fetch(`${app.url}/api/v1/events`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(Array.from({ length: 1000 }, (_, k) => ({ customer: { email: emails[(done + k) % emails.length] }, name: "page_view", properties: { url: "/docs" }, idempotencyKey: `b-${done + k}-${t0}` }))),
    });
    if (res.status !== 202) throw new Error(`batch POST: ${res.status} ${await res.text()}`);
  }
  const httpBatchRate = N_BATCH / ((performance.now() - start) / 1000);

  // HTTP events API, one event per request, 32 in flight.
  const N_SINGLE = quick ? 2_000 : 5_000;
  let next = 0;
  start = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < N_SINGLE) {
        const k = next++;
        const res = await fetch(`${app.url}/api/v1/events`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ customer: { email: emails[k % emails.length] }, name: "page_view", properties: { url: "/blog" }, idempotencyKey: `s-${k}-${t0}` }),
        });
        if (res.status !== 202) throw new Error(`single POST: ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
  const httpSingleRate = N_SINGLE / ((performance.now() - start) / 1000);
  console.log(`raw batched INSERT (1,000/statement):      ${rawRate.toFixed(0).padStart(8)} events/s`);
  console.log(`ingestion service, batched (1,000/call):   ${serviceRate.toFixed(0).padStart(8)} events/s  = ${((serviceRate / rawRate) * 100).toFixed(0)}% of raw (target ≥ 40%)`);
  console.log(`HTTP events API, batched (1,000/request):  ${httpBatchRate.toFixed(0).padStart(8)} events/s  = ${((httpBatchRate / rawRate) * 100).toFixed(0)}% of raw`);
  console.log(`HTTP events API, single (32 in flight):    ${httpSingleRate.toFixed(0).padStart(8)} messages/s (target ≥ 1,000)`);

  // ---------------------------------------------------------------- 3. live latency
  console.log("\n== Live latency: HTTP ingest → delivered to a subscribed socket.io agent ==");
  const session = await signIn(app.url, "bench@throughline.test");
  const socket = connect(app.url, { transports: ["websocket"], extraHeaders: { cookie: session.cookie } });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  const target = emails[0]!;
  const targetId = (await admin.query<{ customer_id: string }>("SELECT customer_id FROM customer_identities WHERE kind='email' AND value=$1", [target])).rows[0]!.customer_id;
  await socket.emitWithAck("subscribe", { customerId: targetId });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  socket.on("timeline.created", (e: { item?: { payload?: { seq?: string } } }) => {
    const key = e.item?.payload?.seq;
    const t = key ? sentAt.get(key) : undefined;
    if (t !== undefined) latencies.push(performance.now() - t);
  });
  for (const [rate, seconds] of [[1, quick ? 5 : 10], [100, 5], [1000, 3]] as const) {
    latencies.length = 0;
    sentAt.clear();
    const count = rate * seconds;
    const interval = 1000 / rate;
    const begin = performance.now();
    const inflight: Promise<unknown>[] = [];
    let failed = 0;
    for (let k = 0; k < count; k++) {
      const due = begin + k * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const seq = `${rate}-${k}`;
      sentAt.set(seq, performance.now());
      inflight.push(
        fetch(`${app.url}/api/v1/events`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ customer: { email: target }, name: "custom", properties: { seq } }),
        })
          .then((r) => {
            if (r.status !== 202) failed++;
            return r.arrayBuffer();
          })
          .catch(() => failed++),
      );
    }
    await Promise.all(inflight);
    const deadline = Date.now() + 10_000;
    while (latencies.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const achieved = count / ((performance.now() - begin) / 1000);
    console.log(
      `${String(rate).padStart(5)} ev/s target (${achieved.toFixed(0)} achieved): delivered ${latencies.length}/${count}, HTTP errors ${failed}, p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}, max ${ms(Math.max(...latencies))}`,
    );
  }
  socket.close();

  // ---------------------------------------------------------------- 4. customer directory
  const DIR_CUSTOMERS = quick ? 100_000 : 500_000;
  console.log(`\n== Customer directory page (50 customers) at ${DIR_CUSTOMERS.toLocaleString("en-US")} more customers: all inboxes vs an agent who sees one inbox of four ==`);
  let t = Date.now();
  const inboxIds = (
    await admin.query<{ id: string }>(
      `INSERT INTO inboxes (id, name, channel, public_id, updated_at)
       SELECT gen_random_uuid(), 'Bench ' || i, 'email', 'bench-directory-' || i || '@throughline.test', now() FROM generate_series(1, 4) i RETURNING id`,
    )
  ).rows.map((r) => r.id);
  await admin.query(
    `INSERT INTO customers (id, name, updated_at)
     SELECT gen_random_uuid(), (ARRAY['Ann','Bob','Cleo','Dev','Eve','Finn','Gus','Hana','Ivo','Jun'])[1 + i % 10] || ' ' || md5(i::text), now()
     FROM generate_series(1, $1::int) i`,
    [DIR_CUSTOMERS],
  );
  // 80 % have a conversation in one of the four inboxes, 10 % a second one; the rest none.
  for (const [salt, share] of [["a", 8], ["b", 1]] as const) {
    await admin.query(
      `INSERT INTO conversations (id, customer_id, origin_customer_id, inbox_id, channel, status, updated_at)
       SELECT gen_random_uuid(), c.id, c.id, ($1::uuid[])[1 + abs(hashtext(c.id::text || $2)) % 4], 'email', 'resolved', now()
       FROM customers c WHERE abs(hashtext(c.id::text || $2 || 'share')) % 10 < $3`,
      [inboxIds, salt, share],
    );
  }
  await admin.query("ANALYZE customers; ANALYZE conversations");
  log(`  directory data ready (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  process.env.DATABASE_URL = url;
  const { listCustomers } = await import("../../src/server/console/customers.ts");
  const scopes: [string, "all" | string[]][] = [["all inboxes (admin)", "all"], ["one inbox of four (agent)", [inboxIds[0]!]]];
  for (const [label, scope] of scopes) {
    const first: number[] = [];
    const deep: number[] = [];
    for (let s = 0; s < (quick ? 30 : 100); s++) {
      t = performance.now();
      let page = await listCustomers({ limit: 50, inboxScope: scope });
      first.push(performance.now() - t);
      for (let k = 0; k < 19 && page.nextCursor; k++) page = await listCustomers({ limit: 50, cursor: page.nextCursor, inboxScope: scope });
      t = performance.now();
      await listCustomers({ limit: 50, cursor: page.nextCursor, inboxScope: scope });
      deep.push(performance.now() - t);
    }
    console.log(`${label.padEnd(26)} first page p50 ${ms(pct(first, 50))} / p99 ${ms(pct(first, 99))} · 21st page p50 ${ms(pct(deep, 50))} / p99 ${ms(pct(deep, 99))}`);
  }

  await app.stop();
  const { disconnectDb } = await import("../../src/server/db.ts");
  await disconnectDb();
  await admin.end();
  await stopDb?.();
  if (!process.argv.includes("--keep")) rmSync(tmp, { recursive: true, force: true });
  log("done");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
