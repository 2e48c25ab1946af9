// Supervisor metrics over a period (definitions: docs/metrics.md).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, supervisorProcedure } from "@/server/api/trpc";
import { lastDays, metricsReport, MetricsError } from "@/server/metrics/metrics";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const metricsRouter = createTRPCRouter({
  report: supervisorProcedure.input(z.object({ from: day, to: day }).optional()).query(async ({ input }) => {
    try {
      return await metricsReport(input ?? lastDays(30));
    } catch (error) {
      if (error instanceof MetricsError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
      throw error;
    }
  }),
});
