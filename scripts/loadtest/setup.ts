// Database side of the load test (imported after DATABASE_URL points at the
// run's database): the agents, and what was stored.
import { randomBytes } from "node:crypto";
import { db } from "../../src/server/db.ts";
import { hashPassword } from "../../src/server/auth/login.ts";

/** The seeded team whose inboxes include the website widget (docs/CONTRACTS.md demo data). */
const TEAM = "Support";

export async function createAgents(runId: string, count: number) {
  const inbox = await db.inbox.findFirstOrThrow({ where: { channel: "chat", publicId: "demo-widget" }, select: { id: true, publicId: true } });
  const team = await db.team.findFirstOrThrow({ where: { name: TEAM, inboxes: { some: { inboxId: inbox.id } } }, select: { id: true, name: true } });
  const password = `lt-${randomBytes(9).toString("base64url")}`;
  const passwordHash = await hashPassword(password);
  const emails = Array.from({ length: count }, (_, i) => `loadtest-${runId}-agent-${String(i + 1).padStart(3, "0")}@throughline.test`);
  // No user-admin service exists yet (only first-run setup creates a user): Prisma directly, in one transaction.
  await db.$transaction(async (tx) => {
    for (const [i, email] of emails.entries()) {
      const user = await tx.user.create({ data: { email, name: `Load Agent ${i + 1}`, passwordHash, role: "agent" }, select: { id: true } });
      await tx.teamMember.create({ data: { teamId: team.id, userId: user.id } });
    }
  });
  return { inbox, teamName: team.name, emails, password };
}

export type Stored = { messages: number; clientIds: string[]; timelineEvents: number };

/** This run's widget messages in the database, by the clientId inside their platform message id. */
export async function countStored(runId: string, inboxId: string): Promise<Stored> {
  const where = { inboxId, platformMessageId: { contains: `:lt-${runId}-` } };
  const rows = await db.message.findMany({ where, select: { platformMessageId: true } });
  const timelineEvents = await db.timelineEvent.count({ where: { kind: "message", message: where } });
  return { messages: rows.length, clientIds: rows.map((r) => r.platformMessageId!.slice(r.platformMessageId!.indexOf(":") + 1)), timelineEvents };
}
