// Benchmark volume: appends N customers (one email identity each), M timeline
// events spread across them, and optionally one customer with exactly K events
// (the "million-event customer" of the timeline benchmarks). Everything is
// generated server-side with INSERT … SELECT generate_series(…), in batches,
// so a million rows take well under a minute instead of a JS loop of inserts.
import pg from "pg";
import { randomBytes } from "node:crypto";
import { CULTURES, asciiSlug } from "./people";

export type SeedVolumeOptions = {
  customers: number;
  events: number;
  heavyCustomer?: { events: number };
  log?: (s: string) => void;
};
export type SeedVolumeResult = { heavyCustomerId?: string; customers: number; events: number };

const BATCH = 250_000;

// Pages and product actions whose words make full-text search meaningful.
const PAGES: [string, string][] = [
  ["/", "Acme Cloud — Deploy apps and Postgres without the ops"],
  ["/pricing", "Pricing — Acme Cloud"],
  ["/features", "Features — Acme Cloud"],
  ["/docs/getting-started", "Getting started — Acme Cloud Docs"],
  ["/docs/webhooks", "Webhooks — Acme Cloud Docs"],
  ["/docs/api/authentication", "API authentication — Acme Cloud Docs"],
  ["/docs/sso/saml", "SAML single sign-on — Acme Cloud Docs"],
  ["/blog/zero-downtime-deploys", "How we ship zero-downtime deploys"],
  ["/blog/postgres-connection-pooling", "A practical guide to Postgres connection pooling"],
  ["/app/dashboard", "Dashboard — Acme Cloud"],
  ["/app/settings/billing", "Billing settings — Acme Cloud"],
  ["/app/databases", "Databases — Acme Cloud"],
  ["/changelog", "Changelog — Acme Cloud"],
  ["/security", "Security and compliance — Acme Cloud"],
];

function names() {
  const first: string[] = [];
  const last: string[] = [];
  for (const c of CULTURES) {
    first.push(...c.first);
    last.push(...c.last);
  }
  return { first, last, firstAscii: first.map(asciiSlug), lastAscii: last.map(asciiSlug) };
}

// One row per event: kind/channel/name/text/payload chosen by a hash of the
// row number (h, so kinds do not correlate with the customer), with
// words drawn from the arrays $1 (page urls), $2 (titles), $3 (first names).
const EVENT_SELECT = `
  CASE WHEN h % 20 = 19 THEN 'article_view'::"TimelineKind" ELSE 'product_event'::"TimelineKind" END AS kind,
  CASE WHEN h % 20 = 19 THEN 'system'::"ChannelKind" ELSE 'api'::"ChannelKind" END AS channel,
  CASE WHEN h % 20 IN (17, 18) THEN 'system'::"Actor" ELSE 'customer'::"Actor" END AS actor,
  CASE
    WHEN h % 20 < 9 THEN 'page_view'
    WHEN h % 20 < 12 THEN 'login'
    WHEN h % 20 < 15 THEN 'deployment_created'
    WHEN h % 20 = 15 THEN 'integration_connected'
    WHEN h % 20 = 16 THEN 'teammate_invited'
    WHEN h % 20 IN (17, 18) THEN 'purchase'
    ELSE 'article_view'
  END AS name,
  CASE
    WHEN h % 20 < 9 THEN 'Viewed ' || $titles[1 + (h / 20) % cardinality($pages)] || ' (' || $pages[1 + (h / 20) % cardinality($pages)] || ')'
    WHEN h % 20 < 12 THEN 'Signed in to the console (' || (ARRAY['password','GitHub','Google','SSO'])[1 + (h / 20) % 4] || ')'
    WHEN h % 20 < 15 THEN 'Deployed ' || lower($first[1 + (h / 7) % cardinality($first)]) || '-web to production (commit ' || substr(md5(g::text), 1, 7) || ')'
    WHEN h % 20 = 15 THEN 'Connected the ' || (ARRAY['GitHub','Slack','GitLab','Datadog','Sentry'])[1 + (h / 20) % 5] || ' integration'
    WHEN h % 20 = 16 THEN 'Invited ' || lower($first[1 + (h / 3) % cardinality($first)]) || ' as ' || (ARRAY['Developer','Admin','Viewer'])[1 + (h / 20) % 3]
    WHEN h % 20 IN (17, 18) THEN 'Renewed ' || (ARRAY['Starter','Pro','Business'])[1 + (h / 20) % 3] || ' plan (monthly) — $' || (ARRAY['29','99','499'])[1 + (h / 20) % 3] || '.00'
    ELSE 'Read help article “' || (ARRAY['Getting started with Acme Cloud','Verifying webhook signatures','How billing works: plans, proration and invoices','I lost access to my two-factor authentication device','Custom domain shows an SSL certificate error'])[1 + (h / 20) % 5] || '”'
  END AS text,
  CASE
    WHEN h % 20 < 9 THEN jsonb_build_object('url', $pages[1 + (h / 20) % cardinality($pages)], 'title', $titles[1 + (h / 20) % cardinality($pages)])
    WHEN h % 20 IN (17, 18) THEN jsonb_build_object('amount', (ARRAY[29, 99, 499])[1 + (h / 20) % 3], 'currency', 'USD', 'plan', (ARRAY['Starter','Pro','Business'])[1 + (h / 20) % 3], 'type', 'renewal')
    WHEN h % 20 = 19 THEN jsonb_build_object('slug', (ARRAY['getting-started','verifying-webhook-signatures','how-billing-works','lost-2fa-device','custom-domain-ssl-error'])[1 + (h / 20) % 5])
    ELSE '{}'::jsonb
  END AS payload`;

function eventInsert(from: string, ts: string, customer: string) {
  const select = EVENT_SELECT.replaceAll("$pages", "($1::text[])").replaceAll("$titles", "($2::text[])").replaceAll("$first", "($3::text[])");
  return `
    INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, name, text, payload, created_at)
    SELECT gen_random_uuid(), cid, cid, ts, ${select}, ts
    FROM (SELECT g, ${customer} AS cid, ${ts} AS ts, hashint4(g) & 2147483647 AS h ${from}) b`;
}

/** Appends benchmark volume to the database at `databaseUrl` (migrated; demo seed optional). */
export async function seedVolume(databaseUrl: string, opts: SeedVolumeOptions): Promise<SeedVolumeResult> {
  const log = opts.log ?? (() => {});
  const customers = Math.max(0, Math.floor(opts.customers));
  const events = Math.max(0, Math.floor(opts.events));
  const heavy = opts.heavyCustomer ? Math.max(0, Math.floor(opts.heavyCustomer.events)) : null;
  const tag = randomBytes(3).toString("hex");
  const n = names();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const result: SeedVolumeResult = { customers: 0, events: 0 };
  try {
    // Bulk-load settings for this session only.
    await client.query("SET synchronous_commit = off");
    await client.query("SET work_mem = '256MB'");
    await client.query("SET gin_pending_list_limit = '64MB'").catch(() => {});

    if (customers > 0) {
      const t = Date.now();
      await client.query(
        `CREATE TEMP TABLE vol_customers AS
         SELECT g AS n, gen_random_uuid() AS id,
                ($1::text[])[1 + (g * 7) % cardinality($1::text[])] || ' ' || ($2::text[])[1 + (g * 13 + g / 97) % cardinality($2::text[])] AS name,
                ($3::text[])[1 + (g * 7) % cardinality($3::text[])] || '.' || ($4::text[])[1 + (g * 13 + g / 97) % cardinality($4::text[])]
                  || '.' || g || '.' || $6::text || '@example.com' AS email,
                now() - random() * interval '540 days' AS created_at
         FROM generate_series(1, $5::int) g`,
        [n.first, n.last, n.firstAscii, n.lastAscii, customers, tag],
      );
      await client.query(`CREATE UNIQUE INDEX ON vol_customers (n)`);
      await client.query(
        `INSERT INTO customers (id, name, attributes, created_at, updated_at, last_seen_at)
         SELECT id, name,
                jsonb_build_object('plan', (ARRAY['Starter','Pro','Business','Trial'])[1 + n % 4], 'source', 'volume-seed', 'batch', $1::text),
                created_at, now(), now() - random() * interval '30 days'
         FROM vol_customers`,
        [tag],
      );
      await client.query(
        `INSERT INTO customer_identities (id, customer_id, origin_customer_id, kind, value, verified, source, created_at)
         SELECT gen_random_uuid(), id, id, 'email', email, true, 'seed', created_at FROM vol_customers`,
      );
      result.customers = customers;
      log(`volume: ${customers.toLocaleString("en-US")} customers with email identities in ${Date.now() - t} ms`);
    } else if (events > 0) {
      // No new customers: spread the events over the existing ones.
      await client.query(
        `CREATE TEMP TABLE vol_customers AS
         SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM customers WHERE merged_into_id IS NULL AND erased_at IS NULL`,
      );
      await client.query(`CREATE UNIQUE INDEX ON vol_customers (n)`);
    }

    const arrayParams = [PAGES.map((p) => p[0]), PAGES.map((p) => p[1]), n.first];

    if (events > 0) {
      const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM vol_customers`);
      const pool = rows[0]?.count ?? 0;
      if (pool === 0) throw new Error("seedVolume: no customers to attach events to (pass customers > 0)");
      const t = Date.now();
      for (let start = 1; start <= events; start += BATCH) {
        const end = Math.min(events, start + BATCH - 1);
        const sql = eventInsert(
          `FROM generate_series($4::int, $5::int) g JOIN vol_customers c ON c.n = 1 + ((g::bigint * 2654435761) % $6::int)`,
          `now() - random() * interval '540 days'`,
          `c.id`,
        );
        await client.query(sql, [...arrayParams, start, end, pool]);
        log(`volume: events ${end.toLocaleString("en-US")}/${events.toLocaleString("en-US")} (${Date.now() - t} ms)`);
      }
      result.events += events;
    }

    if (heavy !== null) {
      const t = Date.now();
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO customers (id, name, attributes, lifetime_value, journey_stage, created_at, updated_at, last_seen_at)
         VALUES (gen_random_uuid(), $1, $2::jsonb, 0, 'retention', now() - interval '540 days', now(), now())
         RETURNING id`,
        [`Heavy Benchmark Customer ${tag}`, JSON.stringify({ plan: "Business", benchmark: "heavy-customer", events: heavy, batch: tag })],
      );
      const id = rows[0]!.id;
      await client.query(
        `INSERT INTO customer_identities (id, customer_id, origin_customer_id, kind, value, verified, source, created_at)
         VALUES (gen_random_uuid(), $1, $1, 'email', $2, true, 'seed', now())`,
        [id, `heavy.${tag}@example.com`],
      );
      for (let start = 1; start <= heavy; start += BATCH) {
        const end = Math.min(heavy, start + BATCH - 1);
        // Evenly spread over 18 months, newest first by g.
        const sql = eventInsert(
          `FROM generate_series($4::int, $5::int) g`,
          `now() - ((g - 1)::float8 / $6::int) * interval '540 days' - random() * interval '1 minute'`,
          `$7::uuid`,
        );
        await client.query(sql, [...arrayParams, start, end, heavy, id]);
        log(`volume: heavy customer events ${end.toLocaleString("en-US")}/${heavy.toLocaleString("en-US")} (${Date.now() - t} ms)`);
      }
      result.heavyCustomerId = id;
      result.events += heavy;
      log(`volume: heavy customer ${id} with ${heavy.toLocaleString("en-US")} events in ${Date.now() - t} ms`);
    }

    if (result.events) {
      // Lifetime value = sum of purchase amounts, as the demo seed keeps it.
      const t = Date.now();
      const hasPool = (await client.query(`SELECT to_regclass('pg_temp.vol_customers') IS NOT NULL AS ok`)).rows[0]?.ok === true;
      const scope = [hasPool ? "SELECT id FROM vol_customers" : null, result.heavyCustomerId ? "SELECT $1::uuid" : null].filter(Boolean).join(" UNION ALL ");
      await client.query(
        `UPDATE customers c SET lifetime_value = s.total, updated_at = now()
         FROM (SELECT e.customer_id, sum((e.payload->>'amount')::numeric) AS total FROM timeline_events e
               WHERE e.kind = 'product_event' AND e.name = 'purchase' AND e.customer_id IN (${scope})
               GROUP BY e.customer_id) s
         WHERE c.id = s.customer_id`,
        result.heavyCustomerId ? [result.heavyCustomerId] : [],
      );
      log(`volume: lifetime values updated in ${Date.now() - t} ms`);
    }

    if (result.customers || result.events) {
      // Benchmarks should see a steady state: statistics current, visibility map
      // set (index-only scans) and the full-text index's pending list merged.
      const t = Date.now();
      await client.query("VACUUM (ANALYZE) timeline_events");
      await client.query("ANALYZE customers, customer_identities");
      log(`volume: VACUUM/ANALYZE in ${Date.now() - t} ms`);
    }
  } finally {
    await client.end();
  }
  return result;
}
