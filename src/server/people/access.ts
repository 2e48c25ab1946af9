// Audit rows and the "access changed" signal shared by the user and team
// services. The bus event makes every app process drop the affected users'
// sockets (src/server/realtime/server.ts), so a removed team, a demotion or a
// deactivation applies to open console tabs at once; their reconnect is
// authorized afresh.
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { recordAudit } from "@/server/audit/record";

type Tx = Prisma.TransactionClient;

export async function audit(tx: Tx | typeof db, actorUserId: string | null, action: string, targetType: "user" | "team" | "api_key", targetId: string, data: Record<string, unknown> = {}) {
  await recordAudit(tx, { actorUserId, action, targetType, targetId, data });
}

/** Call after commit. */
export function accessChanged(userIds: Iterable<string>) {
  const ids = [...new Set(userIds)];
  if (ids.length) bus.publish({ type: "user.access_changed", userIds: ids });
}
