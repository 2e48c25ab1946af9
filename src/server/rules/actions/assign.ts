// assign: the conversation's assignee and/or team (null unassigns).
import type { Prisma } from "@/server/db";
import { needConversation, ruleLabel, ticketChange } from "./steps";
import type { RuleAction } from "./types";

export const assign: RuleAction<"assign"> = async (a, x) => {
  const label = ruleLabel(x);
  await needConversation(x);
  return ticketChange(x, a.type, async (conv, tx) => {
    const data: Prisma.ConversationUncheckedUpdateInput = {};
    const changes: Record<string, unknown> = {};
    const parts: string[] = [];
    const payload: Record<string, unknown> = {};
    if (a.userId !== undefined && a.userId !== conv.assignee_id) {
      const [from, to] = await Promise.all([
        conv.assignee_id ? tx.user.findUnique({ where: { id: conv.assignee_id }, select: { name: true } }) : null,
        a.userId ? tx.user.findUnique({ where: { id: a.userId }, select: { name: true, deactivatedAt: true } }) : null,
      ]);
      if (a.userId && (!to || to.deactivatedAt)) throw new Error("the agent to assign does not exist");
      data.assigneeId = a.userId;
      changes.assigneeId = a.userId;
      Object.assign(payload, { from: conv.assignee_id, to: a.userId, fromName: from?.name ?? null, toName: to?.name ?? null });
      parts.push(a.userId ? `assigned the conversation to ${to!.name}` : "unassigned the conversation");
    }
    if (a.teamId !== undefined && a.teamId !== conv.team_id) {
      const team = a.teamId ? await tx.team.findUnique({ where: { id: a.teamId }, select: { name: true } }) : null;
      if (a.teamId && !team) throw new Error("the team does not exist");
      data.teamId = a.teamId;
      changes.teamId = a.teamId;
      Object.assign(payload, { fromTeam: conv.team_id, toTeam: a.teamId, teamName: team?.name ?? null });
      parts.push(a.teamId ? `moved it to team ${team!.name}` : "removed the team");
    }
    if (parts.length === 0) return null;
    return { data, name: data.assigneeId !== undefined ? "assignee" : "team", text: `${label} ${parts.join(" and ")}`, payload, changes };
  });
};
