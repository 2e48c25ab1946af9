// Supervisor metrics over a period (definitions: docs/metrics.md).
import { z } from "zod";
import { createTRPCRouter, supervisorProcedure } from "@/server/api/trpc";
import { lastDays, metricsReport } from "@/server/metrics/metrics";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const metricsRouter = createTRPCRouter({
  report: supervisorProcedure.input(z.object({ from: day, to: day }).optional()).query(({ input }) => metricsReport(input ?? lastDays(30))),
});
