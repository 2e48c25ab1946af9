// One shape for every audit row an admin or system action writes: the actor
// (null = the system), what was done, to what. Returns Prisma's promise so it
// joins an array transaction as well as an interactive one.
import { db, Prisma } from "@/server/db";

type Writer = Pick<Prisma.TransactionClient, "auditLog">;

export function recordAudit(tx: Writer | typeof db, entry: { actorUserId: string | null | undefined; action: string; targetType: string; targetId: string; data?: Record<string, unknown> }) {
  const actorUserId = entry.actorUserId ?? null;
  return tx.auditLog.create({
    data: { actorUserId, actorType: actorUserId ? "agent" : "system", action: entry.action, targetType: entry.targetType, targetId: entry.targetId, data: (entry.data ?? {}) as Prisma.InputJsonValue },
  });
}
