// The one-statement write for the common touchpoint: a known customer (by its
// identities or its id), no conversation, no message. Identity lookup, the
// customer lock, the idempotent insert and the customer's counters are one
// prepared statement over the plain pg pool: one round trip, no BEGIN/COMMIT
// (a single statement is its own transaction), for one item or a thousand.
//
// What it cannot decide alone it leaves to the full path (./ingest.ts), item
// by item: an identity it does not know or that points at another customer, a
// claim that would upgrade an identity to verified, a merged-away customer (the
// full path follows the chain), a customer changed by someone else while this
// statement ran (a merge or its undo could have moved its identities: the
// full path re-checks under its locks).
import { hotPool } from "@/server/db/pg";
import { sqlState } from "@/server/db/tx";
import { toItem, type TimelineItem } from "@/server/timeline/query";

export type FastClaim = { kind: string; value: string; verified: boolean; anchor: boolean };

export type FastItem = {
  id: string;
  /** A known customer id, or... */
  customerId: string | null;
  /** ...normalised claims, exactly one of them the anchor (the one that names the customer). */
  claims: FastClaim[];
  occurredAt: Date;
  kind: string;
  channel: string;
  actor: string;
  actorUserId: string | null;
  name: string | null;
  text: string;
  payload: unknown;
  dedupeKey: string | null;
  /** Purchase amount added to the lifetime value, as numeric text. */
  amount: string | null;
  /** Fills an empty customer name. */
  customerName: string | null;
};

export type FastRow = { id: string; customerId: string; conversationId: string | null; messageId: string | null; occurredAt: Date };
export type FastOutcome =
  | { status: "created"; row: FastRow; item: TimelineItem }
  | { status: "duplicate"; row: FastRow }
  // Left to the full path (nothing stored for it).
  | { status: "fallback" };

// Named prepared statement: the name stands for this exact text; change both together.
const NAME = "ingest_fast_v2";
// Its generic plan assumes a few rows per array (nested loops): right for what
// group commit joins, twice as slow as a plan made for the events API's
// thousand. Larger batches are planned for their size each time (~4 ms).
const PREPARED_MAX = 64;
const FAST_INGEST_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::"TimelineKind"[], $6::"ChannelKind"[],
                       $7::"Actor"[], $8::uuid[], $9::text[], $10::text[], $11::jsonb[], $12::text[], $13::numeric[], $14::text[])
    AS t(ord, id, given_customer, occurred_at, kind, channel, actor, actor_user_id, name, text, payload, dedupe_key, amount, cname)
),
claim AS (
  SELECT * FROM unnest($15::int[], $16::"IdentityKind"[], $17::text[], $18::bool[], $19::bool[]) AS c(ord, kind, value, verified, anchor)
),
-- Every claim known, all on one customer, none that would upgrade its identity to verified.
by_claims AS (
  SELECT c.ord,
         bool_and(i.customer_id IS NOT NULL AND (i.verified OR NOT c.verified)) AND count(DISTINCT i.customer_id) = 1 AS ok,
         (array_agg(i.customer_id) FILTER (WHERE c.anchor))[1] AS customer_id,
         (array_agg(i.origin_customer_id) FILTER (WHERE c.anchor))[1] AS origin
  FROM claim c
  -- Ordered by the unique (kind, value) index so the planner takes it, not the
  -- directory's trigram index on value (which it rates cheaper, at ~7 ms a lookup).
  LEFT JOIN LATERAL (
    SELECT i.customer_id, i.origin_customer_id, i.verified FROM customer_identities i
    WHERE i.kind = c.kind AND i.value = c.value ORDER BY i.kind, i.value LIMIT 1
  ) i ON true
  GROUP BY c.ord
),
target AS (
  SELECT t.ord, coalesce(t.given_customer, b.customer_id) AS customer_id, coalesce(t.given_customer, b.origin) AS origin
  FROM input t LEFT JOIN by_claims b ON b.ord = t.ord
  WHERE t.given_customer IS NOT NULL OR b.ok
),
-- The customers as this statement's snapshot sees them, and as locked. KEY
-- SHARE keeps a merge or its undo (FOR UPDATE) out until we commit, and lets
-- concurrent counter updates through. A row version that changed in between
-- (xmin) may have lost identities to a merge's undo: left to the full path.
snap AS (
  SELECT c.id, c.xmin::text AS v FROM customers c
  WHERE c.id IN (SELECT customer_id FROM target) AND c.merged_into_id IS NULL
),
locked AS (
  SELECT c.id, c.xmin::text AS v FROM customers c
  WHERE c.id IN (SELECT id FROM snap) AND c.merged_into_id IS NULL
  ORDER BY c.id FOR KEY SHARE
),
resolved AS (
  SELECT t.ord, t.customer_id, t.origin FROM target t
  JOIN snap s ON s.id = t.customer_id JOIN locked l ON l.id = s.id AND l.v = s.v
),
existing AS (
  SELECT e.id, e.dedupe_key, e.customer_id, e.conversation_id, e.message_id, e.occurred_at
  FROM timeline_events e WHERE e.dedupe_key = ANY($12::text[])
),
fresh AS (
  SELECT t.* FROM input t WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.dedupe_key = t.dedupe_key)
),
-- $20: all or nothing (one caller's batch is one transaction): if any new
-- item cannot be resolved here, nothing is written and all go the full path.
paired AS (
  SELECT f.*, r.customer_id, r.origin FROM fresh f JOIN resolved r ON r.ord = f.ord
),
-- All or nothing ($20): every fresh item resolved. Compared as counts: as a
-- NOT EXISTS the planner, expecting a handful of resolved rows, nested-looped
-- it (60 of 85 ms for a thousand items).
go AS (
  SELECT * FROM paired
  WHERE NOT $20::bool OR (SELECT count(*) FROM paired) = (SELECT count(*) FROM fresh)
),
ins AS (
  INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, actor_user_id,
                               name, text, payload, dedupe_key, created_at)
  -- created_at is read after the locks are held (go waits for all of them), not at
  -- statement start: undoing a merge compares it with the merge's time to tell
  -- what arrived while the merge was in place.
  SELECT id, customer_id, origin, occurred_at, kind, channel, actor, actor_user_id, name, text, payload, dedupe_key, clock_timestamp()
  FROM go ORDER BY ord
  -- A concurrent insert of the same key wins; this item reports it (see below).
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, customer_id, occurred_at, actor_user_id, payload
),
-- The counters exactly as the full path keeps them: last seen (customers'
-- own touchpoints), lifetime value, an empty name filled by the first item that brings one.
upd AS (
  UPDATE customers c SET
    last_seen_at = GREATEST(c.last_seen_at, v.seen),
    lifetime_value = c.lifetime_value + v.ltv,
    name = CASE WHEN v.cname IS NOT NULL AND (c.name IS NULL OR btrim(c.name) = '') THEN v.cname ELSE c.name END,
    updated_at = now()
  FROM (
    SELECT g.customer_id, max(g.occurred_at) FILTER (WHERE g.actor = 'customer') AS seen, coalesce(sum(g.amount), 0) AS ltv,
           (array_agg(g.cname ORDER BY g.ord) FILTER (WHERE g.cname IS NOT NULL))[1] AS cname
    FROM go g JOIN ins ON ins.id = g.id
    GROUP BY g.customer_id
  ) v
  WHERE c.id = v.customer_id
    AND (v.seen IS NOT NULL OR v.ltv <> 0 OR (v.cname IS NOT NULL AND (c.name IS NULL OR btrim(c.name) = '')))
  RETURNING c.id
)
SELECT t.ord,
       CASE WHEN ins.id IS NOT NULL THEN 'created' WHEN e.id IS NOT NULL THEN 'duplicate' WHEN g.ord IS NOT NULL THEN 'raced' ELSE 'fallback' END AS status,
       coalesce(ins.id, e.id) AS id, coalesce(ins.customer_id, e.customer_id) AS customer_id,
       e.conversation_id, e.message_id, coalesce(ins.occurred_at, e.occurred_at) AS occurred_at, ins.payload,
       (SELECT u.name FROM users u WHERE u.id = ins.actor_user_id) AS actor_name
FROM input t
LEFT JOIN ins ON ins.id = t.id
LEFT JOIN existing e ON e.dedupe_key = t.dedupe_key
LEFT JOIN go g ON g.ord = t.ord
ORDER BY t.ord`;

type OutRow = {
  ord: number;
  status: "created" | "duplicate" | "raced" | "fallback";
  id: string | null;
  customer_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  occurred_at: Date | null;
  payload: unknown;
  actor_name: string | null;
};

const ATTEMPTS = 5;

/**
 * Writes what it can of the items in one statement. allOrNothing: either every
 * item is created or a duplicate, or nothing is written and all fall back.
 */
export async function writeFast(items: FastItem[], allOrNothing: boolean): Promise<FastOutcome[]> {
  if (items.length === 0) return [];
  const values = parameters(items, allOrNothing);
  let rows: OutRow[];
  for (let attempt = 1; ; attempt++) {
    try {
      rows = (await hotPool().query<OutRow>(items.length <= PREPARED_MAX ? { name: NAME, text: FAST_INGEST_SQL, values } : { text: FAST_INGEST_SQL, values })).rows;
      break;
    } catch (error) {
      // Two batches updating the same customers in different orders: the statement
      // was rolled back whole; run it again.
      const state = sqlState(error);
      if (attempt >= ATTEMPTS || (state !== "40P01" && state !== "40001")) throw error;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
  const out: FastOutcome[] = rows.map((r) => {
    if (r.status === "created") {
      const row: FastRow = { id: r.id!, customerId: r.customer_id!, conversationId: null, messageId: null, occurredAt: r.occurred_at! };
      return { status: "created", row, item: itemOf(r, items[r.ord]!) };
    }
    if (r.status === "duplicate") return { status: "duplicate", row: rowOf(r) };
    return { status: "fallback" };
  });
  // Lost the race to a concurrent insert of the same key: that one committed
  // after this statement's snapshot, so a new look finds it.
  const raced = rows.filter((r) => r.status === "raced");
  if (raced.length > 0) {
    const keys = raced.map((r) => items[r.ord]!.dedupeKey!);
    const { rows: winners } = await hotPool().query<OutRow>(
      `SELECT dedupe_key, id, customer_id, conversation_id, message_id, occurred_at FROM timeline_events WHERE dedupe_key = ANY($1::text[])`,
      [keys],
    );
    const byKey = new Map(winners.map((w) => [(w as unknown as { dedupe_key: string }).dedupe_key, w]));
    for (const r of raced) {
      const w = byKey.get(items[r.ord]!.dedupeKey!);
      // Gone again (erased in between): the full path decides.
      if (w) out[r.ord] = { status: "duplicate", row: rowOf(w) };
    }
  }
  return out;
}

function rowOf(r: Pick<OutRow, "id" | "customer_id" | "conversation_id" | "message_id" | "occurred_at">): FastRow {
  return { id: r.id!, customerId: r.customer_id!, conversationId: r.conversation_id, messageId: r.message_id, occurredAt: r.occurred_at! };
}

/**
 * The timeline item as getTimelineItem would read it, built from what was
 * written: the values sent, and the stored forms of those the database
 * reshapes (payload as jsonb, the time at its precision).
 */
function itemOf(r: OutRow, it: FastItem): TimelineItem {
  return plainTimelineItem({ ...it, id: r.id!, occurredAt: r.occurred_at!, payload: r.payload, actorName: r.actor_name });
}

/** A timeline item of an event outside any conversation, from its written values (what a read would return). */
export function plainTimelineItem(v: {
  id: string;
  occurredAt: Date;
  kind: string;
  channel: string;
  actor: string;
  actorUserId: string | null;
  actorName: string | null;
  text: string;
  name: string | null;
  payload: unknown;
  emotion?: TimelineItem["emotion"];
}): TimelineItem {
  return toItem({
    id: v.id,
    occurred_at: v.occurredAt,
    kind: v.kind as TimelineItem["kind"],
    channel: v.channel as TimelineItem["channel"],
    actor: v.actor as TimelineItem["actor"],
    actor_user_id: v.actorUserId,
    actor_name: v.actorName,
    text: v.text,
    name: v.name,
    conversation_id: null,
    conversation_number: null,
    inbox_id: null,
    message_id: null,
    direction: null,
    delivery_status: null,
    delivery_error: null,
    body_html: null,
    quoted_text: null,
    subject: null,
    attachments: null,
    payload: v.payload,
    sentiment_score: v.emotion?.score ?? null,
    sentiment_label: v.emotion?.label ?? null,
    frustration_cues: v.emotion?.cues ?? null,
  });
}

function parameters(items: FastItem[], allOrNothing: boolean): unknown[] {
  const col = <T>(f: (it: FastItem) => T) => items.map(f);
  const claims = items.flatMap((it, ord) => it.claims.map((c) => ({ ord, ...c })));
  return [
    items.map((_, i) => i),
    col((it) => it.id),
    col((it) => it.customerId),
    col((it) => it.occurredAt.toISOString()),
    col((it) => it.kind),
    col((it) => it.channel),
    col((it) => it.actor),
    col((it) => it.actorUserId),
    col((it) => it.name),
    col((it) => it.text),
    col((it) => JSON.stringify(it.payload ?? {})),
    col((it) => it.dedupeKey),
    col((it) => it.amount),
    col((it) => it.customerName),
    claims.map((c) => c.ord),
    claims.map((c) => c.kind),
    claims.map((c) => c.value),
    claims.map((c) => c.verified),
    claims.map((c) => c.anchor),
    allOrNothing,
  ];
}
