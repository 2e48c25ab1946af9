// Scores the customer messages and survey answers stored before emotion
// scoring existed (npm run emotion:backfill): keyset over the primary key in
// slices, each slice's unscored customer items scored as ingest scores them
// and written in one statement. Idempotent and resumable: it only touches
// rows whose label is still null. (The "repeated contact" cue needs the
// conversation's state at the time and is not reconstructed.)
import { db } from "@/server/db";
import { touchpointEmotion } from "./emotion";

type Row = {
  id: string; kind: string; actor: string; name: string | null; text: string; payload: Record<string, unknown> | null;
  direction: string | null; body_text: string | null; is_note: boolean | null; is_auto_reply: boolean | null;
};

export type BackfillProgress = { scanned: number; scored: number; lastId: string | null };

/** One slice of `slice` ids after `after`; returns what it did (lastId null: the end). */
export async function backfillEmotionSlice(after: string | null, slice = 5_000): Promise<BackfillProgress> {
  const [edge] = await db.$queryRaw<{ last_id: string | null }[]>`
    SELECT max(id::text) AS last_id FROM (SELECT id FROM timeline_events WHERE (${after}::uuid IS NULL OR id > ${after}::uuid) ORDER BY id LIMIT ${slice}) s`;
  const lastId = edge?.last_id ?? null;
  if (!lastId) return { scanned: 0, scored: 0, lastId: null };
  const rows = await db.$queryRaw<Row[]>`
    SELECT e.id, e.kind::text AS kind, e.actor::text AS actor, e.name, e.text, e.payload,
           m.direction::text AS direction, m.body_text, m.is_note, m.is_auto_reply
    FROM timeline_events e LEFT JOIN messages m ON m.id = e.message_id
    WHERE (${after}::uuid IS NULL OR e.id > ${after}::uuid) AND e.id <= ${lastId}::uuid
      AND e.actor = 'customer' AND e.kind IN ('message', 'survey_response') AND e.sentiment_label IS NULL`;
  const scored = rows
    .map((r) => ({
      id: r.id,
      emotion: touchpointEmotion({
        actor: r.actor,
        kind: r.kind,
        text: r.text,
        name: r.name,
        payload: r.payload ?? {},
        message: r.kind === "message" ? { direction: r.direction ?? "inbound", bodyText: r.body_text ?? r.text, isNote: r.is_note ?? false, isAutoReply: r.is_auto_reply ?? false } : undefined,
      }),
    }))
    .filter((x): x is { id: string; emotion: NonNullable<typeof x.emotion> } => x.emotion !== null);
  if (scored.length) {
    await db.$executeRaw`
      UPDATE timeline_events e SET sentiment_score = v.score, sentiment_label = v.label, frustration_cues = string_to_array(v.cues, chr(31))
      FROM unnest(${scored.map((s) => s.id)}::uuid[], ${scored.map((s) => s.emotion.score)}::float8[], ${scored.map((s) => s.emotion.label)}::"SentimentLabel"[],
                  ${scored.map((s) => s.emotion.cues.join("\u001f"))}::text[]) AS v(id, score, label, cues)
      WHERE e.id = v.id AND e.sentiment_label IS NULL`;
  }
  return { scanned: slice, scored: scored.length, lastId };
}

/** Every slice to the end; `onProgress` after each. */
export async function backfillEmotion(opts: { slice?: number; onProgress?: (p: BackfillProgress & { total: number }) => void } = {}) {
  let after: string | null = null;
  let scored = 0;
  let slices = 0;
  for (;;) {
    const p = await backfillEmotionSlice(after, opts.slice);
    if (!p.lastId) break;
    scored += p.scored;
    slices++;
    after = p.lastId;
    opts.onProgress?.({ ...p, total: scored });
  }
  return { scored, slices };
}
