// Macros (canned responses): who may use which, applying one (which counts a
// use), and the admin's management of all of them (Settings → Macros).
//
// Visibility: "everyone" — every agent; "teams" — members of the teams it is
// shared with (TeamMember, read fresh, not from the session); "personal" —
// only its author. Admins manage every macro but, in the composer, see only
// the ones they could use like any agent.
//
// Agents may create macros from the composer side (macro.create): those are
// always personal, so an agent cannot publish text to colleagues; sharing is
// an admin's decision (macro.manage.*). Every change is audited.
import { db, Prisma } from "@/server/db";
import { isUuid } from "@/server/db/ids";
import { recordAudit } from "@/server/audit/record";
import { DomainError } from "@/server/lib/domain-error";
import type { Viewer } from "@/server/auth/viewer";
import { renderMacro } from "./render";

export type MacroVisibility = "personal" | "teams" | "everyone";
export const MACRO_VISIBILITIES = ["everyone", "teams", "personal"] as const satisfies readonly MacroVisibility[];

/** Most macros a list returns; the management list says when there are more (search narrows). */
export const MACRO_LIST_LIMIT = 200;

/** The macros this user may apply. */
function usableBy(userId: string): Prisma.MacroWhereInput {
  return {
    OR: [
      { visibility: "everyone" },
      { visibility: "personal", createdById: userId },
      { visibility: "teams", teams: { some: { team: { members: { some: { userId } } } } } },
    ],
  };
}

function matching(search: string | undefined): Prisma.MacroWhereInput {
  const q = search?.trim();
  return q ? { OR: [{ name: { contains: q, mode: "insensitive" } }, { body: { contains: q, mode: "insensitive" } }] } : {};
}

/** For the composer: the macros the viewer may use, most used first. */
export async function listUsableMacros(userId: string, search?: string) {
  return db.macro.findMany({
    where: { AND: [usableBy(userId), matching(search)] },
    orderBy: [{ usageCount: "desc" }, { name: "asc" }, { id: "asc" }],
    take: 100,
    select: { id: true, name: true, body: true, visibility: true, usageCount: true, createdBy: { select: { id: true, name: true } } },
  });
}

/**
 * The macro's text for this conversation and agent, counting the use (applying
 * it is inserting it into the composer); null when the macro is unknown or not
 * one this agent may use, or the conversation is unknown.
 */
export async function renderMacroFor(args: { macroId: string; conversationId: string; agentId: string }): Promise<string | null> {
  if (!isUuid(args.macroId) || !isUuid(args.conversationId)) return null;
  const [macro, conv, agent] = await Promise.all([
    db.macro.findFirst({ where: { AND: [{ id: args.macroId }, usableBy(args.agentId)] }, select: { id: true, body: true } }),
    db.conversation.findUnique({ where: { id: args.conversationId }, select: { number: true, subject: true, customer: { select: { name: true } } } }),
    db.user.findUnique({ where: { id: args.agentId }, select: { name: true } }),
  ]);
  if (!macro || !conv) return null;
  // Atomic increment: concurrent uses all count.
  await db.macro.update({ where: { id: macro.id }, data: { usageCount: { increment: 1 }, lastUsedAt: new Date() } });
  return renderMacro(macro.body, { customer: { name: conv.customer.name }, agent: { name: agent?.name ?? null }, conversation: { number: conv.number, subject: conv.subject } });
}

export type MacroInput = { name: string; body: string; visibility: MacroVisibility; teamIds: string[] };

const managed = {
  id: true,
  name: true,
  body: true,
  visibility: true,
  usageCount: true,
  lastUsedAt: true,
  createdAt: true,
  updatedAt: true,
  createdBy: { select: { id: true, name: true, email: true } },
  teams: { select: { team: { select: { id: true, name: true } } }, orderBy: { team: { name: "asc" } } },
} satisfies Prisma.MacroSelect;

type ManagedRow = Prisma.MacroGetPayload<{ select: typeof managed }>;
const shaped = ({ teams, ...m }: ManagedRow) => ({ ...m, teams: teams.map((t) => t.team) });
export type ManagedMacro = ReturnType<typeof shaped>;

/** Settings → Macros: every macro, by name, with author, teams and usage; bounded, search narrows. */
export async function listAllMacros(search?: string): Promise<{ items: ManagedMacro[]; truncated: boolean }> {
  const rows = await db.macro.findMany({ where: matching(search), orderBy: [{ name: "asc" }, { id: "asc" }], take: MACRO_LIST_LIMIT + 1, select: managed });
  return { items: rows.slice(0, MACRO_LIST_LIMIT).map(shaped), truncated: rows.length > MACRO_LIST_LIMIT };
}

/** The teams a macro may be shared with (the dialog's choices). */
export async function macroTeamOptions() {
  return db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
}

/** The team ids to store: deduplicated, empty unless shared with teams; rejects "teams" with none and unknown ids. */
async function teamsFor(tx: Prisma.TransactionClient, visibility: MacroVisibility, teamIds: string[]): Promise<string[]> {
  const ids = [...new Set(teamIds)];
  if (visibility !== "teams") return [];
  if (ids.length === 0) throw new DomainError("Choose at least one team to share this macro with.", "invalid_input", "no_teams");
  const found = await tx.team.findMany({ where: { id: { in: ids } }, select: { id: true } });
  if (found.length !== ids.length) {
    const known = new Set(found.map((t) => t.id));
    const missing = ids.filter((id) => !known.has(id));
    throw new DomainError(`No such team: ${missing.join(", ")}.`, "invalid_input", "unknown_team");
  }
  return ids;
}

const clean = (m: { name: string; body: string }) => ({ name: m.name.trim().slice(0, 120), body: m.body.slice(0, 20_000) });

/** A new macro; the teams, the macro and its audit entry are stored together or not at all. */
export async function createMacro(input: MacroInput, actorUserId: string): Promise<ManagedMacro> {
  return db.$transaction(async (tx) => {
    const teamIds = await teamsFor(tx, input.visibility, input.teamIds);
    const row = await tx.macro.create({
      data: { ...clean(input), visibility: input.visibility, createdById: actorUserId, teams: { create: teamIds.map((teamId) => ({ teamId })) } },
      select: managed,
    });
    await recordAudit(tx, { actorUserId, action: "macro.created", targetType: "macro", targetId: row.id, data: { name: row.name, visibility: row.visibility, teamIds } });
    return shaped(row);
  });
}

/** The console's quick create: an agent's macro is personal, an admin's is for everyone, as before sharing existed (see the header). */
export async function createMacroAs(viewer: Viewer, input: { name: string; body: string }) {
  const visibility: MacroVisibility = viewer.role === "admin" ? "everyone" : "personal";
  const m = await createMacro({ ...input, visibility, teamIds: [] }, viewer.userId);
  return { id: m.id, name: m.name, body: m.body, visibility: m.visibility };
}

export async function updateMacro(id: string, changes: Partial<MacroInput>, actorUserId: string): Promise<ManagedMacro> {
  return db.$transaction(async (tx) => {
    const before = await tx.macro.findUnique({ where: { id }, select: { name: true, visibility: true, teams: { select: { teamId: true } } } });
    if (!before) throw new DomainError("No such macro.", "not_found");
    const visibility = changes.visibility ?? before.visibility;
    const teamIds = await teamsFor(tx, visibility, changes.teamIds ?? before.teams.map((t) => t.teamId));
    const text = clean({ name: changes.name ?? "", body: changes.body ?? "" });
    const row = await tx.macro.update({
      where: { id },
      data: {
        ...(changes.name !== undefined ? { name: text.name } : {}),
        ...(changes.body !== undefined ? { body: text.body } : {}),
        visibility,
        teams: { deleteMany: {}, create: teamIds.map((teamId) => ({ teamId })) },
      },
      select: managed,
    });
    await recordAudit(tx, {
      actorUserId,
      action: "macro.updated",
      targetType: "macro",
      targetId: id,
      data: { before: { name: before.name, visibility: before.visibility, teamIds: before.teams.map((t) => t.teamId) }, after: { name: row.name, visibility: row.visibility, teamIds }, bodyChanged: changes.body !== undefined },
    });
    return shaped(row);
  });
}

export async function deleteMacro(id: string, actorUserId: string): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    const macro = await tx.macro.findUnique({ where: { id }, select: { name: true, visibility: true, usageCount: true } });
    if (!macro) throw new DomainError("No such macro.", "not_found");
    await tx.macro.delete({ where: { id } });
    await recordAudit(tx, { actorUserId, action: "macro.deleted", targetType: "macro", targetId: id, data: macro });
    return { id };
  });
}
