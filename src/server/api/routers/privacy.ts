import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { eraseCustomer, exportCustomerData } from "@/server/customers/data-rights";

// Admin-only: data subject requests (export, erasure).
export const privacyRouter = createTRPCRouter({
  exportCustomer: adminProcedure
    .input(z.object({ customerId: z.string().uuid() }))
    .query(({ ctx, input }) => exportCustomerData(input.customerId, ctx.viewer.userId)),
  eraseCustomer: adminProcedure
    .input(z.object({ customerId: z.string().uuid(), confirm: z.literal(true), reason: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => eraseCustomer(input.customerId, ctx.viewer.userId, input.reason)),
});
