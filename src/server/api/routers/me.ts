import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";

export const meRouter = createTRPCRouter({
  get: protectedProcedure.query(({ ctx }) => ({ ...ctx.viewer })),
});
