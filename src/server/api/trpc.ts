// The one place where tRPC's context, transformer, error formatting and
// procedure builders are made. Routers stay thin: zod input, a permission
// check from here, one call into a domain service.
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import superjson, { type SuperJSONResult, type SuperJSONValue } from "superjson";
import { ZodError } from "zod";
import type { Viewer, Role } from "@/server/auth/viewer";
import { accessibleInboxIds, hasRole } from "@/server/auth/viewer";
import { isDatabaseUnavailable } from "@/server/db/faults";
import { customerVisible } from "@/server/customers/visibility";
import { conversationInScope } from "@/server/conversations/queue";
import { checkJsonShape } from "@/server/security/json-shape";
import { DomainError, type DomainErrorCategory } from "@/server/lib/domain-error";

export type Context = { viewer: Viewer | null; headers?: Headers };

// Inputs are JSON from outside: bounded here, before superjson, zod or a
// procedure (Prisma's JSON.stringify of a stored rule, say) walks them, so a
// deep input is BAD_REQUEST naming the limit, not a 500.
const transformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value as SuperJSONValue),
    deserialize: (value: unknown) => {
      const refusal = checkJsonShape(value);
      if (refusal) throw new TRPCError({ code: "BAD_REQUEST", message: refusal.message });
      return superjson.deserialize(value as SuperJSONResult);
    },
  },
  output: superjson,
};

const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        zodError: error.cause instanceof ZodError ? error.cause.flatten() : null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The one mapping of domain errors to tRPC codes (REST's is in src/server/http/errors.ts). */
const TRPC_CODE: Record<DomainErrorCategory, TRPC_ERROR_CODE_KEY> = {
  not_found: "NOT_FOUND",
  invalid_input: "BAD_REQUEST",
  conflict: "CONFLICT",
  forbidden: "FORBIDDEN",
  // Only the public survey link expires (REST 410); tRPC has no GONE.
  gone: "BAD_REQUEST",
};

// tRPC wraps anything thrown that is not a TRPCError as INTERNAL_SERVER_ERROR
// with the original as its cause. A DomainError becomes its category's code
// with its message; a database outage is not a bug either: the console tells
// the agent to retry (503, SERVICE_UNAVAILABLE) instead of showing an internal error.
const base = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    const cause = result.error.cause;
    if (cause instanceof DomainError) throw new TRPCError({ code: TRPC_CODE[cause.category], message: cause.message, cause });
    if (isDatabaseUnavailable(cause)) {
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The database is briefly unavailable; nothing was saved. Try again in a few seconds.", cause });
    }
  }
  return result;
});

export const publicProcedure = base;

/** A signed-in agent; ctx.viewer is non-null and ctx.inboxes is what they may see. */
export const protectedProcedure = base.use(async ({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  const viewer = ctx.viewer;
  let inboxes: "all" | string[] | undefined;
  /** Lazily computed inbox scope ("all" for admins and supervisors). */
  const inboxScope = async () => (inboxes ??= await accessibleInboxIds(viewer));
  return next({
    ctx: {
      ...ctx,
      viewer,
      inboxScope,
      /** NOT_FOUND, worded as for an unknown id, unless this viewer may see the customer (src/server/customers/visibility.ts). */
      requireCustomer: async (customerId: string) => {
        if (!(await customerVisible(customerId, await inboxScope()))) throw new TRPCError({ code: "NOT_FOUND", message: "No such customer." });
      },
      /** NOT_FOUND, worded as for an unknown id, unless the conversation is in an inbox this viewer may see; else the conversation. */
      requireConversation: async (conversationId: string) => {
        const conversation = await conversationInScope(conversationId, await inboxScope());
        if (!conversation) throw new TRPCError({ code: "NOT_FOUND", message: "No such conversation." });
        return conversation;
      },
    },
  });
});

export function roleProcedure(...roles: Role[]) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!hasRole(ctx.viewer, ...roles)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Only ${roles.join(" or ")} may do this.` });
    }
    return next();
  });
}

export const supervisorProcedure = roleProcedure("supervisor", "admin");
export const adminProcedure = roleProcedure("admin");
