// Admin read models: the team roster.
import { db } from "@/server/db";

export async function listAgents() {
  return db.user.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, email: true, role: true, presence: true, deactivatedAt: true, teams: { select: { team: { select: { id: true, name: true } } } } },
  });
}

export async function listTeamsWithInboxes() {
  return db.team.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, inboxes: { select: { inbox: { select: { id: true, name: true, channel: true } } } }, _count: { select: { members: true } } },
  });
}
