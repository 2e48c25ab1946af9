// The append-only touchpoint record: the rows the write path adds to
// timeline_events (never updated in place but by merges, which move them).
import { Prisma } from "@/server/db";
import type { Tx } from "@/server/db/tx";
import type { ResolvedCustomer } from "@/server/customers/identity";
import { fallbackText, type Prepared } from "@/server/ingest/touchpoint";
import { emotionColumns } from "@/server/ingest/emotion";

/** The row of one touchpoint, in a conversation or not. */
export function eventRow(id: string, p: Prepared, r: ResolvedCustomer, conv: { id: string; inboxId: string } | null, messageId: string | null): Prisma.TimelineEventCreateManyInput {
  const input = p.input;
  return {
    id,
    customerId: r.customerId,
    originCustomerId: r.originCustomerId,
    occurredAt: p.occurredAt,
    kind: input.kind,
    channel: input.channel,
    actor: input.actor,
    actorUserId: input.actorUserId ?? null,
    conversationId: conv?.id ?? null,
    inboxId: conv?.inboxId ?? null,
    messageId,
    name: input.name ?? null,
    text: input.text.length > 0 ? input.text : fallbackText(input),
    payload: (input.payload ?? {}) as Prisma.InputJsonValue,
    dedupeKey: p.dedupeKey,
    ...emotionColumns(p.emotion),
    // Set here, after the customer locks are held: undoing a merge compares it
    // with the merge's time to tell what arrived while the merge was in place.
    createdAt: new Date(),
  };
}

/**
 * Many timeline rows in one INSERT … SELECT FROM unnest(…): the SQL costs the
 * same as Prisma's createMany, without its per-row client-side work (about
 * 0.7 ms a row, which made batched ingest ten times slower than the insert).
 * Returns the stored forms the published items need, so they are not read again.
 */
export async function insertEventRows(tx: Tx, rows: Prisma.TimelineEventCreateManyInput[]) {
  const col = <T>(f: (r: Prisma.TimelineEventCreateManyInput) => T) => rows.map(f);
  const iso = (d: Date | string | undefined) => (d instanceof Date ? d.toISOString() : (d ?? new Date().toISOString()));
  return tx.$queryRaw<{ id: string; occurred_at: Date; payload: unknown; actor_name: string | null }[]>`
    WITH ins AS (
    INSERT INTO timeline_events (id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, actor_user_id,
                                 conversation_id, inbox_id, message_id, name, text, payload, dedupe_key, created_at,
                                 sentiment_score, sentiment_label, frustration_cues)
    SELECT v.id, v.customer_id, v.origin_customer_id, v.occurred_at, v.kind, v.channel, v.actor, v.actor_user_id, v.conversation_id, v.inbox_id, v.message_id,
           v.name, v.text, v.payload, v.dedupe_key, v.created_at, v.sentiment_score, v.sentiment_label, string_to_array(v.cues, chr(31))
    FROM unnest(
      ${col((r) => r.id)}::uuid[], ${col((r) => r.customerId)}::uuid[], ${col((r) => r.originCustomerId)}::uuid[],
      ${col((r) => iso(r.occurredAt))}::timestamptz[], ${col((r) => r.kind)}::"TimelineKind"[], ${col((r) => r.channel)}::"ChannelKind"[],
      ${col((r) => r.actor)}::"Actor"[], ${col((r) => r.actorUserId ?? null)}::uuid[], ${col((r) => r.conversationId ?? null)}::uuid[],
      ${col((r) => r.inboxId ?? null)}::uuid[], ${col((r) => r.messageId ?? null)}::uuid[], ${col((r) => r.name ?? null)}::text[],
      ${col((r) => r.text)}::text[], ${col((r) => JSON.stringify(r.payload ?? {}))}::jsonb[], ${col((r) => r.dedupeKey ?? null)}::text[],
      ${col((r) => iso(r.createdAt))}::timestamptz[],
      ${col((r) => r.sentimentScore ?? null)}::float8[], ${col((r) => r.sentimentLabel ?? null)}::"SentimentLabel"[],
      ${col((r) => ((r.frustrationCues as string[] | undefined) ?? []).join("\u001f"))}::text[]
    -- (unnest would flatten a text[][]: each row's cues travel as one text joined by U+001F.)
    ) AS v(id, customer_id, origin_customer_id, occurred_at, kind, channel, actor, actor_user_id, conversation_id, inbox_id, message_id, name, text, payload, dedupe_key, created_at,
           sentiment_score, sentiment_label, cues)
    RETURNING id, occurred_at, payload, actor_user_id
    )
    SELECT ins.id, ins.occurred_at, ins.payload, (SELECT u.name FROM users u WHERE u.id = ins.actor_user_id) AS actor_name FROM ins`;
}
