import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { DataRightsError, eraseCustomer, exportCustomerData } from "@/server/customers/data-rights";

function mapError(error: unknown): never {
  if (error instanceof DataRightsError) throw new TRPCError({ code: error.code === "not_found" ? "NOT_FOUND" : "CONFLICT", message: error.message });
  throw error;
}

// Admin-only: data subject requests (export, erasure).
export const privacyRouter = createTRPCRouter({
  exportCustomer: adminProcedure
    .input(z.object({ customerId: z.string().uuid() }))
    .query(({ ctx, input }) => exportCustomerData(input.customerId, ctx.viewer.userId).catch(mapError)),
  eraseCustomer: adminProcedure
    .input(z.object({ customerId: z.string().uuid(), confirm: z.literal(true), reason: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => eraseCustomer(input.customerId, ctx.viewer.userId, input.reason).catch(mapError)),
});
