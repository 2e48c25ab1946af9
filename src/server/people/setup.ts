// First-run setup (SEED=false, empty database): the first admin and a default team.
import { db } from "@/server/db";
import { hashPassword } from "@/server/auth/login";

export async function createFirstAdmin(input: { name: string; email: string; password: string }): Promise<boolean> {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    // Serialise concurrent first-run submissions.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(727001)`;
    if ((await tx.user.count()) > 0) return false;
    const user = await tx.user.create({ data: { name: input.name, email: input.email, passwordHash, role: "admin" } });
    const team = await tx.team.create({ data: { name: "Support" } });
    await tx.teamMember.create({ data: { teamId: team.id, userId: user.id } });
    await tx.auditLog.create({ data: { actorUserId: user.id, actorType: "agent", action: "setup.first_admin", targetType: "user", targetId: user.id } });
    return true;
  });
}
