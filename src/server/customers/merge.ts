// Merging two customers, and undoing it exactly.
//
// A merge moves the source's identities, conversations, timeline events and
// surveys to the target with set-based UPDATEs (a million events is one
// statement), marks the source mergedIntoId = target and keeps a snapshot of
// what it changed. The source row stays, so undo has somewhere to go back to.
//
// Undo relies on lineage: every identity, conversation and event carries the
// originCustomerId it first belonged to, and new rows that arrive through a
// moved identity keep that identity's origin. Undo moves back everything whose
// origin is the source or a customer merged into the source earlier (and still
// merged), so rows that arrived after the merge follow the right customer.
//
// Who may: with no acting user (scripts, automation) anyone; supervisors and
// admins any two customers; an agent only customers they can fully see —
// every conversation of both in an inbox of one of their teams (a customer
// without conversations is visible to all). The same rule holds for undo.
// Checked here, under the customers' locks, so every caller gets it.
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { runTransaction, type Tx } from "@/server/timeline/tx";
import { recordAudit } from "@/server/audit/record";

export type MergeErrorCode = "same_customer" | "not_found" | "already_merged" | "erased" | "already_undone" | "target_merged" | "forbidden";

export class CustomerMergeError extends Error {
  constructor(
    public code: MergeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type CustomerFields = {
  name: string | null;
  avatarUrl: string | null;
  attributes: Record<string, unknown>;
  journeyStage: string | null;
  journeyStageSetBy: string | null;
  lifetimeValue: string;
  lastSeenAt: string | null;
};

/** Stored in CustomerMerge.snapshot. */
export type MergeSnapshot = {
  version: 1;
  source: CustomerFields;
  /** The target before and right after the merge: undo reverts only what is still as the merge left it. */
  target: CustomerFields;
  targetAfter: CustomerFields;
  surveyIds: string[];
  moved: { identities: number; conversations: number; events: number; surveys: number };
};

type Row = {
  id: string;
  name: string | null;
  avatar_url: string | null;
  attributes: unknown;
  journey_stage: string | null;
  journey_stage_set_by: string | null;
  lifetime_value: string;
  last_seen_at: Date | null;
  merged_into_id: string | null;
  erased_at: Date | null;
};

const TX = { timeout: 10 * 60_000, maxWait: 30_000, attempts: 3 };

async function lockCustomers(tx: Tx, ids: string[]): Promise<Map<string, Row>> {
  const rows = await tx.$queryRaw<Row[]>`
    SELECT id, name, avatar_url, attributes, journey_stage::text AS journey_stage, journey_stage_set_by,
           lifetime_value::text AS lifetime_value, last_seen_at, merged_into_id, erased_at
    FROM customers WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  return new Map(rows.map((r) => [r.id, r]));
}

function fields(r: Row): CustomerFields {
  return {
    name: r.name,
    avatarUrl: r.avatar_url,
    attributes: isObject(r.attributes) ? r.attributes : {},
    journeyStage: r.journey_stage,
    journeyStageSetBy: r.journey_stage_set_by,
    lifetimeValue: r.lifetime_value,
    lastSeenAt: r.last_seen_at ? r.last_seen_at.toISOString() : null,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** Order-insensitive JSON equality (jsonb does not keep key order). */
function sameJson(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(",")}}`;
  return JSON.stringify(v ?? null);
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

// What a purchase event added to lifetime value (see ingest's purchaseAmount).
const PURCHASE_AMOUNT = Prisma.sql`CASE WHEN kind = 'product_event' AND name = 'purchase' AND jsonb_typeof(payload->'amount') = 'number'
  THEN round((payload->>'amount')::numeric, 2) ELSE 0 END`;

/** Throws "forbidden" unless the actor may merge (or unmerge) these customers; see the top of this file. */
async function assertMayMerge(tx: Tx, actorUserId: string | null | undefined, customerIds: string[], verb: "merge" | "undo a merge of"): Promise<void> {
  if (!actorUserId) return;
  const [user] = isUuid(actorUserId)
    ? await tx.$queryRaw<{ role: string; deactivated_at: Date | null }[]>`SELECT role::text AS role, deactivated_at FROM users WHERE id = ${actorUserId}::uuid`
    : [];
  if (!user || user.deactivated_at) throw new CustomerMergeError("forbidden", "Your account may not merge customers.");
  if (user.role === "admin" || user.role === "supervisor") return;
  const [hidden] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM conversations c
    WHERE c.customer_id = ANY(${customerIds}::uuid[])
      AND NOT EXISTS (
        SELECT 1 FROM team_inboxes ti JOIN team_members tm ON tm.team_id = ti.team_id
        WHERE ti.inbox_id = c.inbox_id AND tm.user_id = ${actorUserId}::uuid)`;
  if (hidden && hidden.n > 0) {
    throw new CustomerMergeError(
      "forbidden",
      `You can only ${verb} customers whose conversations are all in your teams' inboxes; ${hidden.n} ${hidden.n === 1 ? "conversation is" : "conversations are"} in other inboxes. Ask a supervisor to do it.`,
    );
  }
}

export type MergeResult = { mergeId: string; sourceId: string; targetId: string; moved: MergeSnapshot["moved"] };

/** Merges source into target. The source disappears from lists but is kept for undo. */
export async function mergeCustomers(args: { sourceId: string; targetId: string; actorUserId?: string | null }): Promise<MergeResult> {
  const { sourceId, targetId } = args;
  if (sourceId === targetId) throw new CustomerMergeError("same_customer", "A customer cannot be merged into itself.");
  if (!isUuid(sourceId) || !isUuid(targetId)) throw new CustomerMergeError("not_found", "No such customer.");
  const result = await runTransaction(async (tx) => {
    const locked = await lockCustomers(tx, [sourceId, targetId]);
    const source = locked.get(sourceId);
    const target = locked.get(targetId);
    if (!source || !target) throw new CustomerMergeError("not_found", "No such customer.");
    await assertMayMerge(tx, args.actorUserId, [sourceId, targetId], "merge");
    for (const c of [source, target]) {
      if (c.merged_into_id) throw new CustomerMergeError("already_merged", `Customer ${c.id} has already been merged into another customer.`);
      if (c.erased_at) throw new CustomerMergeError("erased", `Customer ${c.id} has been erased.`);
    }

    const identities = await tx.$executeRaw`UPDATE customer_identities SET customer_id = ${targetId}::uuid WHERE customer_id = ${sourceId}::uuid`;
    const conversations = await tx.$executeRaw`UPDATE conversations SET customer_id = ${targetId}::uuid, updated_at = now() WHERE customer_id = ${sourceId}::uuid`;
    const events = await tx.$executeRaw`UPDATE timeline_events SET customer_id = ${targetId}::uuid WHERE customer_id = ${sourceId}::uuid`;
    const surveys = await tx.$queryRaw<{ id: string }[]>`UPDATE surveys SET customer_id = ${targetId}::uuid WHERE customer_id = ${sourceId}::uuid RETURNING id`;

    // The target keeps what it has and fills gaps from the source.
    const s = fields(source);
    const tBefore = fields(target);
    const tAfter: CustomerFields = {
      name: tBefore.name?.trim() ? tBefore.name : s.name,
      avatarUrl: tBefore.avatarUrl ?? s.avatarUrl,
      attributes: { ...s.attributes, ...tBefore.attributes },
      journeyStage: tBefore.journeyStage ?? s.journeyStage,
      journeyStageSetBy: tBefore.journeyStage ? tBefore.journeyStageSetBy : s.journeyStageSetBy,
      lifetimeValue: "", // computed by the database below
      lastSeenAt: [tBefore.lastSeenAt, s.lastSeenAt].filter((x): x is string => !!x).sort().pop() ?? null,
    };
    const [after] = await tx.$queryRaw<{ lifetime_value: string }[]>`
      UPDATE customers SET
        name = ${tAfter.name},
        avatar_url = ${tAfter.avatarUrl},
        attributes = ${JSON.stringify(tAfter.attributes)}::jsonb,
        journey_stage = ${tAfter.journeyStage}::"JourneyStage",
        journey_stage_set_by = ${tAfter.journeyStageSetBy},
        last_seen_at = ${tAfter.lastSeenAt}::timestamptz,
        lifetime_value = lifetime_value + ${s.lifetimeValue}::numeric,
        updated_at = now()
      WHERE id = ${targetId}::uuid
      RETURNING lifetime_value::text AS lifetime_value`;
    tAfter.lifetimeValue = after!.lifetime_value;
    await tx.$executeRaw`UPDATE customers SET merged_into_id = ${targetId}::uuid, updated_at = now() WHERE id = ${sourceId}::uuid`;

    const moved = { identities, conversations, events, surveys: surveys.length };
    const snapshot: MergeSnapshot = { version: 1, source: s, target: tBefore, targetAfter: tAfter, surveyIds: surveys.map((r) => r.id), moved };
    const merge = await tx.customerMerge.create({
      // Taken at the end, under the locks: events created after it arrived while the merge was in place.
      data: { sourceId, targetId, mergedById: args.actorUserId ?? null, snapshot: snapshot as unknown as Prisma.InputJsonValue, createdAt: new Date() },
      select: { id: true },
    });
    await recordAudit(tx, { actorUserId: args.actorUserId, action: "customer.merge", targetType: "customer", targetId, data: { mergeId: merge.id, sourceId, targetId, moved } });
    return { mergeId: merge.id, sourceId, targetId, moved };
  }, TX);
  bus.publish({ type: "customer.merged", sourceId, targetId, mergeId: result.mergeId });
  return result;
}

export type UndoResult = { mergeId: string; sourceId: string; targetId: string; movedBack: { identities: number; conversations: number; events: number; surveys: number } };

/** Undoes a merge exactly: the source gets back its rows (and those that arrived for it since). */
export async function undoMerge(args: { mergeId: string; actorUserId?: string | null }): Promise<UndoResult> {
  if (!isUuid(args.mergeId)) throw new CustomerMergeError("not_found", "No such merge.");
  const result = await runTransaction(async (tx) => {
    const peek = await tx.customerMerge.findUnique({ where: { id: args.mergeId } });
    if (!peek) throw new CustomerMergeError("not_found", "No such merge.");
    const { sourceId, targetId } = peek;
    const locked = await lockCustomers(tx, [sourceId, targetId]);
    // Re-read under the customers' locks: a concurrent undo of the same merge waits above.
    const [m] = await tx.$queryRaw<{ undone_at: Date | null; created_at: Date; snapshot: MergeSnapshot }[]>`
      SELECT undone_at, created_at, snapshot FROM customer_merges WHERE id = ${args.mergeId}::uuid FOR UPDATE`;
    if (!m) throw new CustomerMergeError("not_found", "No such merge.");
    if (m.undone_at) throw new CustomerMergeError("already_undone", "This merge has already been undone.");
    const source = locked.get(sourceId);
    const target = locked.get(targetId);
    if (!source || !target) throw new CustomerMergeError("not_found", "A customer of this merge no longer exists.");
    // The target holds the source's conversations while merged; the source may have new ones of its own.
    await assertMayMerge(tx, args.actorUserId, [sourceId, targetId], "undo a merge of");
    if (target.merged_into_id) {
      throw new CustomerMergeError(
        "target_merged",
        "The customer this one was merged into has since been merged into another customer; undo that merge first.",
      );
    }
    if (source.merged_into_id !== targetId) throw new CustomerMergeError("already_undone", "The source is no longer merged into the target.");
    const snap = m.snapshot;

    // The source's lineage: itself and every customer merged into it (directly
    // or further down) whose merge is still in place.
    const lineage = (
      await tx.$queryRaw<{ id: string }[]>`
        WITH RECURSIVE lineage(id) AS (
          SELECT ${sourceId}::uuid
          UNION
          SELECT cm.source_id FROM customer_merges cm JOIN lineage l ON cm.target_id = l.id
          WHERE cm.undone_at IS NULL AND cm.id <> ${args.mergeId}::uuid
        )
        SELECT id FROM lineage`
    ).map((r) => r.id);

    const identities = await tx.$executeRaw`
      UPDATE customer_identities SET customer_id = ${sourceId}::uuid
      WHERE customer_id = ${targetId}::uuid AND origin_customer_id = ANY(${lineage}::uuid[])`;
    const conversations = await tx.$executeRaw`
      UPDATE conversations SET customer_id = ${sourceId}::uuid, updated_at = now()
      WHERE customer_id = ${targetId}::uuid AND origin_customer_id = ANY(${lineage}::uuid[])`;
    // Purchases that arrived through the source's lineage since the merge were
    // added to the target's lifetime value; they go back with their events.
    const [ev] = await tx.$queryRaw<{ n: number; since: string; seen: Date | null }[]>`
      WITH moved AS (
        UPDATE timeline_events SET customer_id = ${sourceId}::uuid
        WHERE customer_id = ${targetId}::uuid AND origin_customer_id = ANY(${lineage}::uuid[])
        RETURNING kind, name, payload, actor, occurred_at, created_at
      )
      SELECT count(*)::int AS n,
             coalesce(sum(${PURCHASE_AMOUNT}) FILTER (WHERE created_at >= ${m.created_at}::timestamptz), 0)::text AS since,
             max(occurred_at) FILTER (WHERE actor = 'customer' AND created_at >= ${m.created_at}::timestamptz) AS seen
      FROM moved`;
    const surveys = await tx.$executeRaw`
      UPDATE surveys SET customer_id = ${sourceId}::uuid
      WHERE customer_id = ${targetId}::uuid
        AND (id = ANY(${snap.surveyIds}::uuid[])
             OR conversation_id IN (SELECT id FROM conversations WHERE customer_id = ${sourceId}::uuid))`;

    const s = snap.source;
    await tx.$executeRaw`
      UPDATE customers SET
        merged_into_id = NULL,
        name = ${s.name},
        avatar_url = ${s.avatarUrl},
        attributes = ${JSON.stringify(s.attributes)}::jsonb,
        journey_stage = ${s.journeyStage}::"JourneyStage",
        journey_stage_set_by = ${s.journeyStageSetBy},
        last_seen_at = GREATEST(${s.lastSeenAt}::timestamptz, ${ev!.seen}::timestamptz),
        lifetime_value = ${s.lifetimeValue}::numeric + ${ev!.since}::numeric,
        updated_at = now()
      WHERE id = ${sourceId}::uuid`;

    // The target: revert what the merge changed, unless someone changed it since.
    const now = fields(target);
    const before = snap.target;
    const afterMerge = snap.targetAfter;
    const pick = <K extends keyof CustomerFields>(k: K): CustomerFields[K] => (sameJson(now[k], afterMerge[k]) ? before[k] : now[k]);
    const attributes = { ...now.attributes };
    for (const key of Object.keys(afterMerge.attributes)) {
      if (key in before.attributes) continue;
      if (key in attributes && sameJson(attributes[key], afterMerge.attributes[key])) delete attributes[key];
    }
    // Last seen: as before the merge, plus what the target itself did since.
    let lastSeenAt = before.lastSeenAt;
    if (!sameJson(now.lastSeenAt, afterMerge.lastSeenAt)) {
      const [own] = await tx.$queryRaw<{ seen: Date | null }[]>`
        SELECT max(occurred_at) AS seen FROM timeline_events
        WHERE customer_id = ${targetId}::uuid AND actor = 'customer' AND created_at >= ${m.created_at}::timestamptz`;
      const candidates = [before.lastSeenAt, own?.seen?.toISOString() ?? null].filter((x): x is string => !!x).sort();
      lastSeenAt = candidates.pop() ?? null;
    }
    const stageChanged = !sameJson(now.journeyStage, afterMerge.journeyStage) || !sameJson(now.journeyStageSetBy, afterMerge.journeyStageSetBy);
    await tx.$executeRaw`
      UPDATE customers SET
        name = ${pick("name")},
        avatar_url = ${pick("avatarUrl")},
        attributes = ${JSON.stringify(attributes)}::jsonb,
        journey_stage = ${stageChanged ? now.journeyStage : before.journeyStage}::"JourneyStage",
        journey_stage_set_by = ${stageChanged ? now.journeyStageSetBy : before.journeyStageSetBy},
        last_seen_at = ${lastSeenAt}::timestamptz,
        lifetime_value = lifetime_value - ${s.lifetimeValue}::numeric - ${ev!.since}::numeric,
        updated_at = now()
      WHERE id = ${targetId}::uuid`;

    await tx.customerMerge.update({ where: { id: args.mergeId }, data: { undoneAt: new Date(), undoneById: args.actorUserId ?? null } });
    const movedBack = { identities, conversations, events: ev!.n, surveys };
    await recordAudit(tx, { actorUserId: args.actorUserId, action: "customer.unmerge", targetType: "customer", targetId, data: { mergeId: args.mergeId, sourceId, targetId, movedBack } });
    return { mergeId: args.mergeId, sourceId, targetId, movedBack };
  }, TX);
  bus.publish({ type: "customer.unmerged", sourceId: result.sourceId, targetId: result.targetId, mergeId: result.mergeId });
  return result;
}

/** Merges of a customer (as source or target), newest first, for the console's history and undo buttons. */
export async function listMerges(customerId: string, limit = 20) {
  if (!isUuid(customerId)) return [];
  return db.customerMerge.findMany({
    where: { OR: [{ sourceId: customerId }, { targetId: customerId }] },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, sourceId: true, targetId: true, mergedById: true, createdAt: true, undoneAt: true, undoneById: true },
  });
}
