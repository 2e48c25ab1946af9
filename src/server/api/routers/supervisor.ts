import { createTRPCRouter, supervisorProcedure } from "@/server/api/trpc";
import { queueOverview } from "@/server/console/conversations";

export const supervisorRouter = createTRPCRouter({
  overview: supervisorProcedure.query(() => queueOverview()),
});
