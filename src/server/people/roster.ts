// Read models of the team roster: agents and teams for admins, and for every agent's pickers.
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

/** Agents and teams, for assignee and @mention pickers. */
export async function agentDirectory() {
  const [agents, teams] = await Promise.all([
    db.user.findMany({
      where: { deactivatedAt: null },
      orderBy: { name: "asc" },
      select: { id: true, name: true, email: true, role: true, teams: { select: { teamId: true } } },
    }),
    db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, inboxes: { select: { inboxId: true } } } }),
  ]);
  return {
    agents: agents.map((a) => ({ id: a.id, name: a.name, email: a.email, role: a.role, teamIds: a.teams.map((t) => t.teamId) })),
    teams: teams.map((t) => ({ id: t.id, name: t.name, inboxIds: t.inboxes.map((i) => i.inboxId) })),
  };
}
