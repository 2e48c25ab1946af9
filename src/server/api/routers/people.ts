// People & teams (admins): who may sign in, with which role, in which teams,
// and which inboxes each team sees.
import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { createUser, emailSchema, endUserSessions, listPeople, listUserSessions, nameSchema, passwordSchema, resetPassword, roleSchema, setUserActive, unlockUser, updateUser } from "@/server/people/users";
import { createTeam, listTeams, teamFormOptions, updateTeam } from "@/server/people/teams";

const id = z.string().uuid("Not a valid id.");
const ids = z.array(id).max(500);
const teamName = z.string().trim().min(1, "Enter a team name.").max(80, "Use at most 80 characters for the team name.");

export const peopleRouter = createTRPCRouter({
  list: adminProcedure.query(() => listPeople()),
  create: adminProcedure
    .input(z.object({ name: nameSchema, email: emailSchema, role: roleSchema, teamIds: ids.default([]), password: passwordSchema }))
    .mutation(({ ctx, input }) => createUser(input, ctx.viewer.userId)),
  update: adminProcedure
    .input(z.object({ id, name: nameSchema.optional(), role: roleSchema.optional(), teamIds: ids.optional() }))
    .mutation(({ ctx, input: { id: userId, ...changes } }) => updateUser(userId, changes, ctx.viewer.userId)),
  setActive: adminProcedure.input(z.object({ id, active: z.boolean() })).mutation(({ ctx, input }) => setUserActive(input.id, input.active, ctx.viewer.userId)),
  resetPassword: adminProcedure.input(z.object({ id, password: passwordSchema })).mutation(({ ctx, input }) => resetPassword(input.id, input.password, ctx.viewer.userId)),
  /** Lifts a sign-in lockout (every address). */
  unlock: adminProcedure.input(z.object({ id })).mutation(({ ctx, input }) => unlockUser(input.id, ctx.viewer.userId)),
  /** A person's live console sessions (where and since when they are signed in). */
  sessions: adminProcedure.input(z.object({ id })).query(({ input }) => listUserSessions(input.id)),
  /** Ends one session (sessionId) or every session of the person; open tabs are signed out at once. */
  endSessions: adminProcedure
    .input(z.object({ id, sessionId: id.optional() }))
    .mutation(({ ctx, input }) => endUserSessions(input.id, input.sessionId, ctx.viewer.userId)),

  teams: adminProcedure.query(() => listTeams()),
  teamOptions: adminProcedure.query(() => teamFormOptions()),
  createTeam: adminProcedure
    .input(z.object({ name: teamName, inboxIds: ids.default([]), memberIds: ids.default([]) }))
    .mutation(({ ctx, input }) => createTeam(input, ctx.viewer.userId)),
  updateTeam: adminProcedure
    .input(z.object({ id, name: teamName.optional(), inboxIds: ids.optional(), memberIds: ids.optional() }))
    .mutation(({ ctx, input: { id: teamId, ...changes } }) => updateTeam(teamId, changes, ctx.viewer.userId)),
});
