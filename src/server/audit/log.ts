// The audit log as admins read it (Settings → Audit log): filtered by actor,
// action, object and time, newest first, keyset-paged on (created_at, id);
// and the same filters exported as CSV (at most EXPORT_MAX rows, newest first).
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { db, Prisma } from "@/server/db";
import { isUuid } from "@/server/db/ids";
import { DomainError } from "@/server/lib/domain-error";
import { decodeKeysetCursor, encodeKeysetCursor } from "@/server/lib/keyset-cursor";

export class AuditQueryError extends DomainError {
  constructor(message: string) {
    super(message, "invalid_input");
  }
}

export const EXPORT_MAX = 10_000;

export const auditFilterSchema = z.object({
  /** A user id, or "system" for what the system did on its own. */
  actor: z.union([z.uuid("Not a valid user id."), z.literal("system")]).nullish(),
  /** An exact action ("webhook.created"), or a prefix ending in "." ("webhook."). */
  action: z.string().trim().max(100).nullish(),
  targetType: z.string().trim().max(60).nullish(),
  targetId: z.string().trim().max(200).nullish(),
  from: z.coerce.date().nullish(),
  to: z.coerce.date().nullish(),
});
export const auditPageSchema = auditFilterSchema.extend({ cursor: z.string().max(200).nullish(), limit: z.int().min(1).max(200).default(50) });

export type AuditFilter = z.infer<typeof auditFilterSchema>;

type Row = { id: string; created_at: Date; actor_user_id: string | null; actor_type: string; actor_name: string | null; actor_email: string | null; action: string; target_type: string; target_id: string; data: unknown };

function where(f: AuditFilter): Prisma.Sql {
  if (f.from && f.to && f.from > f.to) throw new AuditQueryError("From must not be after to.");
  const parts: Prisma.Sql[] = [Prisma.sql`true`];
  if (f.actor === "system") parts.push(Prisma.sql`a.actor_user_id IS NULL`);
  else if (f.actor) parts.push(Prisma.sql`a.actor_user_id = ${f.actor}::uuid`);
  if (f.action) parts.push(f.action.endsWith(".") ? Prisma.sql`a.action LIKE ${`${f.action.replace(/[%_\\]/g, "\\$&")}%`}` : Prisma.sql`a.action = ${f.action}`);
  if (f.targetType) parts.push(Prisma.sql`a.target_type = ${f.targetType}`);
  if (f.targetId) parts.push(Prisma.sql`a.target_id = ${f.targetId}`);
  if (f.from) parts.push(Prisma.sql`a.created_at >= ${f.from}`);
  if (f.to) parts.push(Prisma.sql`a.created_at <= ${f.to}`);
  return Prisma.join(parts, " AND ");
}

const encode = (r: { created_at: Date; id: string }) => encodeKeysetCursor({ at: r.created_at, id: r.id });
function decode(cursor: string) {
  const p = decodeKeysetCursor(cursor);
  if (!p) throw new AuditQueryError("Not a valid cursor: pass back nextCursor as received.");
  return p;
}

async function rows(f: AuditFilter, limit: number, after: { at: Date; id: string } | null): Promise<Row[]> {
  return db.$queryRaw<Row[]>`
    SELECT a.id, a.created_at, a.actor_user_id, a.actor_type, u.name AS actor_name, u.email AS actor_email, a.action, a.target_type, a.target_id, a.data
    FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
    WHERE ${where(f)} ${after ? Prisma.sql`AND (a.created_at, a.id) < (${after.at}, ${after.id}::uuid)` : Prisma.empty}
    ORDER BY a.created_at DESC, a.id DESC
    LIMIT ${limit}`;
}

const toEntry = (r: Row) => ({
  id: r.id,
  at: r.created_at,
  actor: r.actor_user_id ? { type: r.actor_type, userId: r.actor_user_id, name: r.actor_name, email: r.actor_email } : { type: r.actor_type, userId: null, name: null, email: null },
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  data: r.data as Record<string, unknown>,
});

export async function listAudit(input: z.input<typeof auditPageSchema>) {
  const q = auditPageSchema.parse(input);
  const page = await rows(q, q.limit + 1, q.cursor ? decode(q.cursor) : null);
  const items = page.slice(0, q.limit);
  return { items: items.map(toEntry), nextCursor: page.length > q.limit ? encode(items.at(-1)!) : null };
}

/** What the filters offer: the actions and object types of the last 90 days, and the people who acted. */
export async function auditFacets() {
  const since = new Date(Date.now() - 90 * 86_400_000);
  const [actions, targets, actors] = await Promise.all([
    db.$queryRaw<{ action: string }[]>`SELECT action FROM audit_log WHERE created_at >= ${since} GROUP BY action ORDER BY action LIMIT 300`,
    db.$queryRaw<{ target_type: string }[]>`SELECT target_type FROM audit_log WHERE created_at >= ${since} GROUP BY target_type ORDER BY target_type LIMIT 100`,
    db.user.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, email: true }, take: 500 }),
  ]);
  return { actions: actions.map((a) => a.action), targetTypes: targets.map((t) => t.target_type), actors };
}

/** The filtered log as CSV (newest first, at most EXPORT_MAX rows); `truncated` when there were more. */
export async function exportAudit(input: z.input<typeof auditFilterSchema>) {
  const f = auditFilterSchema.parse(input);
  const page = await rows(f, EXPORT_MAX + 1, null);
  const records = page.slice(0, EXPORT_MAX).map(toEntry);
  const csv = stringify(
    records.map((e) => [e.at.toISOString(), e.actor.type, e.actor.name ?? "", e.actor.email ?? "", e.action, e.targetType, e.targetId, JSON.stringify(e.data)]),
    { header: true, columns: ["time", "actor_type", "actor_name", "actor_email", "action", "target_type", "target_id", "data"] },
  );
  return { csv, rows: records.length, truncated: page.length > EXPORT_MAX };
}
