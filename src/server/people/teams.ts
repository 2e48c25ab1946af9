// Admin management of teams: name, the inboxes the team's agents may see
// (TeamInbox) and its members. Changing inboxes or members changes what
// people may see, so their open sockets are dropped (see ./access.ts).
import { db } from "@/server/db";
import { accessChanged, audit } from "./access";
import { isUniqueViolation, PeopleError } from "./errors";

export async function listTeams() {
  const teams = await db.team.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      inboxes: { select: { inbox: { select: { id: true, name: true, channel: true } } } },
      members: { select: { user: { select: { id: true, name: true, role: true, deactivatedAt: true } } } },
    },
  });
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    inboxes: t.inboxes.map((i) => i.inbox).sort((a, b) => a.name.localeCompare(b.name)),
    members: t.members.map((m) => m.user).sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

/** What the team form offers. */
export async function teamFormOptions() {
  const [inboxes, users] = await Promise.all([
    db.inbox.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, channel: true } }),
    db.user.findMany({ where: { deactivatedAt: null }, orderBy: { name: "asc" }, select: { id: true, name: true, role: true } }),
  ]);
  return { inboxes, users };
}

async function assertExist(kind: "inbox" | "user", ids: string[]) {
  if (ids.length === 0) return;
  const found = kind === "inbox" ? await db.inbox.count({ where: { id: { in: ids } } }) : await db.user.count({ where: { id: { in: ids } } });
  if (found !== ids.length) throw new PeopleError("invalid", kind === "inbox" ? "One of the chosen inboxes no longer exists." : "One of the chosen people no longer exists.");
}

export async function createTeam(input: { name: string; inboxIds?: string[]; memberIds?: string[] }, actorUserId: string | null) {
  const inboxIds = [...new Set(input.inboxIds ?? [])];
  const memberIds = [...new Set(input.memberIds ?? [])];
  await assertExist("inbox", inboxIds);
  await assertExist("user", memberIds);
  try {
    const team = await db.$transaction(async (tx) => {
      const team = await tx.team.create({
        data: { name: input.name, inboxes: { create: inboxIds.map((inboxId) => ({ inboxId })) }, members: { create: memberIds.map((userId) => ({ userId })) } },
        select: { id: true, name: true },
      });
      await audit(tx, actorUserId, "team.created", "team", team.id, { name: team.name, inboxIds, memberIds });
      return team;
    });
    accessChanged(memberIds);
    return team;
  } catch (error) {
    if (isUniqueViolation(error)) throw new PeopleError("conflict", `A team named “${input.name}” already exists.`);
    throw error;
  }
}

export async function updateTeam(id: string, input: { name?: string; inboxIds?: string[]; memberIds?: string[] }, actorUserId: string | null) {
  const inboxIds = input.inboxIds ? [...new Set(input.inboxIds)] : undefined;
  const memberIds = input.memberIds ? [...new Set(input.memberIds)] : undefined;
  if (inboxIds) await assertExist("inbox", inboxIds);
  if (memberIds) await assertExist("user", memberIds);
  const affected: string[] = [];
  try {
    await db.$transaction(async (tx) => {
      const team = await tx.team.findUnique({ where: { id }, select: { name: true, inboxes: { select: { inboxId: true } }, members: { select: { userId: true } } } });
      if (!team) throw new PeopleError("not_found", "No such team.");
      const currentMembers = team.members.map((m) => m.userId);
      if (input.name !== undefined && input.name !== team.name) {
        await tx.team.update({ where: { id }, data: { name: input.name } });
        await audit(tx, actorUserId, "team.renamed", "team", id, { from: team.name, to: input.name });
      }
      if (inboxIds) {
        const before = new Set(team.inboxes.map((i) => i.inboxId));
        const added = inboxIds.filter((i) => !before.has(i));
        const removed = [...before].filter((i) => !inboxIds.includes(i));
        if (added.length || removed.length) {
          if (removed.length) await tx.teamInbox.deleteMany({ where: { teamId: id, inboxId: { in: removed } } });
          if (added.length) await tx.teamInbox.createMany({ data: added.map((inboxId) => ({ teamId: id, inboxId })), skipDuplicates: true });
          await audit(tx, actorUserId, "team.inboxes_changed", "team", id, { added, removed });
          // Everyone in the team before and after sees a different set of inboxes.
          affected.push(...currentMembers, ...(memberIds ?? []));
        }
      }
      if (memberIds) {
        const before = new Set(currentMembers);
        const added = memberIds.filter((u) => !before.has(u));
        const removed = currentMembers.filter((u) => !memberIds.includes(u));
        if (added.length || removed.length) {
          if (removed.length) await tx.teamMember.deleteMany({ where: { teamId: id, userId: { in: removed } } });
          if (added.length) await tx.teamMember.createMany({ data: added.map((userId) => ({ teamId: id, userId })), skipDuplicates: true });
          await audit(tx, actorUserId, "team.members_changed", "team", id, { added, removed });
          affected.push(...added, ...removed);
        }
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PeopleError("conflict", `A team named “${input.name}” already exists.`);
    throw error;
  }
  accessChanged(affected);
  return { ok: true };
}
