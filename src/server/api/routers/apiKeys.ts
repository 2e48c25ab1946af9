// API keys (admins): list, create (the key is in this one answer only), revoke.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { API_SCOPES } from "@/server/api-keys/keys";
import { issueApiKey, listApiKeys, revokeApiKeyAsAdmin } from "@/server/api-keys/admin";

export const apiKeysRouter = createTRPCRouter({
  list: adminProcedure.query(() => listApiKeys()),
  scopes: adminProcedure.query(() => [...API_SCOPES]),
  create: adminProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, "Name the key after what uses it, e.g. “Billing sync”.").max(80, "Use at most 80 characters for the name."),
        scopes: z.array(z.enum(API_SCOPES, { message: `Scopes are ${API_SCOPES.join(", ")}.` })).min(1, "Choose at least one scope."),
      }),
    )
    .mutation(({ ctx, input }) => issueApiKey(input, ctx.viewer.userId)),
  revoke: adminProcedure.input(z.object({ id: z.string().uuid("Not a valid id.") })).mutation(async ({ ctx, input }) => {
    if (!(await revokeApiKeyAsAdmin(input.id, ctx.viewer.userId))) throw new TRPCError({ code: "NOT_FOUND", message: "No such active key (already revoked?)." });
    return { ok: true };
  }),
});
