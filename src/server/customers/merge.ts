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
// Checked here, under the customers' locks, so every caller gets it. A
// customer (or merge) the agent may not see at all answers as an unknown id,
// before anything else is said about it (docs/access.md).
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { runTransaction, type Tx } from "@/server/db/tx";
import { recordAudit } from "@/server/audit/record";
import { customerVisible, type InboxScope } from "@/server/customers/visibility";
import { mergeAttributes, sameJson, type AttributeConflict } from "@/server/customers/merge-attributes";
import { stageAfterMerge } from "@/server/journey/merge-stage";
import { stageChangeText } from "@/server/journey/service";
import { publishTimelineCreated, type CreatedEvent } from "@/server/ingest/record";
import { uuidv7 } from "@/server/db/ids";
import { DomainError } from "@/server/lib/domain-error";

export type MergeErrorCode = "same_customer" | "not_found" | "already_merged" | "erased" | "already_undone" | "target_merged" | "forbidden";

export class CustomerMergeError extends DomainError {
  constructor(
    public code: MergeErrorCode,
    message: string,
  ) {
    super(message, code === "not_found" || code === "forbidden" ? code : "conflict");
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
  /** First seen ("customer since"); absent in snapshots taken before merges kept the earliest. */
  createdAt?: string;
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
  /** Attributes both had with different values: the target's was kept (shown on its profile). */
  attributeConflicts?: AttributeConflict[];
  /** The journey_stage event the merge wrote on the target (deleted by undo). */
  stageEventId?: string | null;
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
  created_at: Date;
};

const TX = { timeout: 10 * 60_000, maxWait: 30_000, attempts: 3 };

async function lockCustomers(tx: Tx, ids: string[]): Promise<Map<string, Row>> {
  const rows = await tx.$queryRaw<Row[]>`
    SELECT id, name, avatar_url, attributes, journey_stage::text AS journey_stage, journey_stage_set_by,
           lifetime_value::text AS lifetime_value, last_seen_at, merged_into_id, erased_at, created_at
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
    createdAt: r.created_at.toISOString(),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

// What a purchase event added to lifetime value (see ingest's purchaseAmount).
const PURCHASE_AMOUNT = Prisma.sql`CASE WHEN kind = 'product_event' AND name = 'purchase' AND jsonb_typeof(payload->'amount') = 'number'
  THEN round((payload->>'amount')::numeric, 2) ELSE 0 END`;

/** Who is acting: null (scripts, automation: no checks), "all" (supervisors, admins) or the agent's inbox ids. */
async function actorScope(actorUserId: string | null | undefined): Promise<InboxScope | null> {
  if (!actorUserId) return null;
  const [user] = isUuid(actorUserId)
    ? await db.$queryRaw<{ role: string; deactivated_at: Date | null }[]>`SELECT role::text AS role, deactivated_at FROM users WHERE id = ${actorUserId}::uuid`
    : [];
  // Decided before any customer is looked at, so it reads the same for every id.
  if (!user || user.deactivated_at) throw new CustomerMergeError("forbidden", "Your account may not merge customers.");
  if (user.role === "admin" || user.role === "supervisor") return "all";
  const rows = await db.$queryRaw<{ inbox_id: string }[]>`
    SELECT DISTINCT ti.inbox_id::text AS inbox_id FROM team_inboxes ti JOIN team_members tm ON tm.team_id = ti.team_id WHERE tm.user_id = ${actorUserId}::uuid`;
  return rows.map((r) => r.inbox_id);
}

// A customer (or merge) the agent may not see answers exactly as an unknown id (docs/access.md).
const noSuchCustomer = () => new CustomerMergeError("not_found", "No such customer.");
const noSuchMerge = () => new CustomerMergeError("not_found", "No such merge.");

/** For an agent, every one of these customers must be visible (visibility.ts); before the transaction, which re-checks what it relies on. */
async function visibleToAll(scope: InboxScope | null, customerIds: string[]): Promise<boolean> {
  if (scope === null || scope === "all") return true;
  for (const id of customerIds) if (!(await customerVisible(id, scope))) return false;
  return true;
}

/**
 * Throws "forbidden" unless every conversation of these (visible) customers is
 * in the scope; see the top of this file. No count: how many conversations
 * other teams have is theirs.
 */
async function assertSeesEveryConversation(tx: Tx, scope: InboxScope | null, customerIds: string[], verb: "merge" | "undo a merge of"): Promise<void> {
  if (scope === null || scope === "all") return;
  const [hidden] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM conversations c
    WHERE c.customer_id = ANY(${customerIds}::uuid[]) AND NOT (c.inbox_id = ANY(${scope}::uuid[]))`;
  if (hidden && hidden.n > 0) {
    throw new CustomerMergeError("forbidden", `You can only ${verb} customers whose conversations are all in your teams' inboxes. Ask a supervisor to do it.`);
  }
}

export type MergeResult = { mergeId: string; sourceId: string; targetId: string; moved: MergeSnapshot["moved"] };

/** Merges source into target. The source disappears from lists but is kept for undo. */
export async function mergeCustomers(args: { sourceId: string; targetId: string; actorUserId?: string | null }): Promise<MergeResult> {
  const { sourceId, targetId } = args;
  if (sourceId === targetId) throw new CustomerMergeError("same_customer", "A customer cannot be merged into itself.");
  if (!isUuid(sourceId) || !isUuid(targetId)) throw noSuchCustomer();
  const scope = await actorScope(args.actorUserId);
  if (!(await visibleToAll(scope, [sourceId, targetId]))) throw noSuchCustomer();
  const { result, stageEvent } = await runTransaction(async (tx) => {
    const locked = await lockCustomers(tx, [sourceId, targetId]);
    const source = locked.get(sourceId);
    const target = locked.get(targetId);
    if (!source || !target) throw noSuchCustomer();
    await assertSeesEveryConversation(tx, scope, [sourceId, targetId], "merge");
    for (const c of [source, target]) {
      if (c.merged_into_id) throw new CustomerMergeError("already_merged", `Customer ${c.id} has already been merged into another customer.`);
      if (c.erased_at) throw new CustomerMergeError("erased", `Customer ${c.id} has been erased.`);
    }

    const identities = await tx.$executeRaw`UPDATE customer_identities SET customer_id = ${targetId}::uuid WHERE customer_id = ${sourceId}::uuid`;
    const conversations = await tx.$executeRaw`UPDATE conversations SET customer_id = ${targetId}::uuid, updated_at = now() WHERE customer_id = ${sourceId}::uuid`;
    const events = await tx.$executeRaw`UPDATE timeline_events SET customer_id = ${targetId}::uuid WHERE customer_id = ${sourceId}::uuid`;
    const surveys = await tx.$queryRaw<{ id: string }[]>`UPDATE surveys SET customer_id = ${targetId}::uuid WHERE customer_id = ${sourceId}::uuid RETURNING id`;

    // The target keeps what it has and fills gaps from the source; it was
    // first seen when the earlier of the two was; its stage comes from the
    // merged timeline (docs/journey.md, "Merging customers").
    const s = fields(source);
    const tBefore = fields(target);
    const at = new Date();
    const attrs = mergeAttributes(tBefore.attributes, s.attributes);
    const stage = await stageAfterMerge(tx, targetId, tBefore, s, at);
    const tAfter: CustomerFields = {
      name: tBefore.name?.trim() ? tBefore.name : s.name,
      avatarUrl: tBefore.avatarUrl ?? s.avatarUrl,
      attributes: attrs.attributes,
      journeyStage: stage.stage,
      journeyStageSetBy: stage.setBy,
      lifetimeValue: "", // computed by the database below
      lastSeenAt: [tBefore.lastSeenAt, s.lastSeenAt].filter((x): x is string => !!x).sort().pop() ?? null,
      createdAt: [tBefore.createdAt!, s.createdAt!].sort()[0],
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
        created_at = ${tAfter.createdAt}::timestamptz,
        updated_at = now()
      WHERE id = ${targetId}::uuid
      RETURNING lifetime_value::text AS lifetime_value`;
    tAfter.lifetimeValue = after!.lifetime_value;
    // The stage track ends where the stage now is: the merged histories
    // interleave, so unless their latest entry already says it, one more.
    const [latest] = await tx.$queryRaw<{ name: string | null }[]>`
      SELECT name FROM timeline_events WHERE customer_id = ${targetId}::uuid AND kind = 'journey_stage'
      ORDER BY occurred_at DESC, id DESC LIMIT 1`;
    let stageEvent: CreatedEvent | null = null;
    if (stage.stage && latest?.name !== stage.stage) {
      const from = latest?.name ?? tBefore.journeyStage;
      stageEvent = { eventId: uuidv7(), customerId: targetId, conversationId: null, inboxId: null, occurredAt: at };
      await tx.timelineEvent.create({
        data: {
          id: stageEvent.eventId,
          customerId: targetId,
          originCustomerId: targetId,
          occurredAt: at,
          kind: "journey_stage",
          channel: "system",
          actor: "system",
          name: stage.stage,
          text: `${stageChangeText(from, stage.stage)} (customers merged)`,
          payload: { from, to: stage.stage, reason: `Merged: ${stage.reason}`, merge: true },
        },
      });
    }
    await tx.$executeRaw`UPDATE customers SET merged_into_id = ${targetId}::uuid, updated_at = now() WHERE id = ${sourceId}::uuid`;

    const moved = { identities, conversations, events, surveys: surveys.length };
    const snapshot: MergeSnapshot = {
      version: 1,
      source: s,
      target: tBefore,
      targetAfter: tAfter,
      surveyIds: surveys.map((r) => r.id),
      moved,
      attributeConflicts: attrs.conflicts,
      stageEventId: stageEvent?.eventId ?? null,
    };
    const merge = await tx.customerMerge.create({
      // Taken at the end, under the locks: events created after it arrived while the merge was in place.
      data: { sourceId, targetId, mergedById: args.actorUserId ?? null, snapshot: snapshot as unknown as Prisma.InputJsonValue, createdAt: new Date() },
      select: { id: true },
    });
    await recordAudit(tx, { actorUserId: args.actorUserId, action: "customer.merge", targetType: "customer", targetId, data: { mergeId: merge.id, sourceId, targetId, moved } });
    return { result: { mergeId: merge.id, sourceId, targetId, moved }, stageEvent };
  }, TX);
  bus.publish({ type: "customer.merged", sourceId, targetId, mergeId: result.mergeId });
  if (stageEvent) await publishTimelineCreated([stageEvent]);
  return result;
}

export type UndoResult = { mergeId: string; sourceId: string; targetId: string; movedBack: { identities: number; conversations: number; events: number; surveys: number } };

/** Undoes a merge exactly: the source gets back its rows (and those that arrived for it since). */
export async function undoMerge(args: { mergeId: string; actorUserId?: string | null }): Promise<UndoResult> {
  if (!isUuid(args.mergeId)) throw noSuchMerge();
  const scope = await actorScope(args.actorUserId);
  const merge = await db.customerMerge.findUnique({ where: { id: args.mergeId }, select: { sourceId: true, targetId: true } });
  // A merge exists for an agent who sees either of its customers: it is in that customer's merge history.
  if (!merge || !((await visibleToAll(scope, [merge.sourceId])) || (await visibleToAll(scope, [merge.targetId])))) throw noSuchMerge();
  const result = await runTransaction(async (tx) => {
    const peek = await tx.customerMerge.findUnique({ where: { id: args.mergeId } });
    if (!peek) throw noSuchMerge();
    const { sourceId, targetId } = peek;
    const locked = await lockCustomers(tx, [sourceId, targetId]);
    // Re-read under the customers' locks: a concurrent undo of the same merge waits above.
    const [m] = await tx.$queryRaw<{ undone_at: Date | null; created_at: Date; snapshot: MergeSnapshot }[]>`
      SELECT undone_at, created_at, snapshot FROM customer_merges WHERE id = ${args.mergeId}::uuid FOR UPDATE`;
    if (!m) throw noSuchMerge();
    if (m.undone_at) throw new CustomerMergeError("already_undone", "This merge has already been undone.");
    const source = locked.get(sourceId);
    const target = locked.get(targetId);
    if (!source || !target) throw new CustomerMergeError("not_found", "A customer of this merge no longer exists.");
    // The target holds the source's conversations while merged; the source may have new ones of its own.
    await assertSeesEveryConversation(tx, scope, [sourceId, targetId], "undo a merge of");
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
    // The stage entry the merge wrote goes with it (a later one, from new activity, stays).
    if (snap.stageEventId) await tx.$executeRaw`DELETE FROM timeline_events WHERE id = ${snap.stageEventId}::uuid AND customer_id = ${targetId}::uuid`;
    await tx.$executeRaw`
      UPDATE customers SET
        name = ${pick("name")},
        avatar_url = ${pick("avatarUrl")},
        attributes = ${JSON.stringify(attributes)}::jsonb,
        journey_stage = ${stageChanged ? now.journeyStage : before.journeyStage}::"JourneyStage",
        journey_stage_set_by = ${stageChanged ? now.journeyStageSetBy : before.journeyStageSetBy},
        last_seen_at = ${lastSeenAt}::timestamptz,
        lifetime_value = lifetime_value - ${s.lifetimeValue}::numeric - ${ev!.since}::numeric,
        created_at = coalesce(${before.createdAt ?? null}::timestamptz, created_at),
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
