import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { listAgents, listTeamsWithInboxes } from "@/server/people/roster";

export const settingsRouter = createTRPCRouter({
  agents: adminProcedure.query(() => listAgents()),
  teams: adminProcedure.query(() => listTeamsWithInboxes()),
});
