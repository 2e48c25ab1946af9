// The one place where tRPC's context, transformer, error formatting and
// procedure builders are made. Routers stay thin: zod input, a permission
// check from here, one call into a domain service.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson, { type SuperJSONResult, type SuperJSONValue } from "superjson";
import { ZodError } from "zod";
import type { Viewer, Role } from "@/server/auth/viewer";
import { accessibleInboxIds } from "@/server/auth/viewer";
import { isDatabaseUnavailable } from "@/server/db/faults";
import { customerVisible } from "@/server/customers/visibility";
import { checkJsonShape } from "@/server/security/json-shape";

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

// A database outage is not a bug: the console tells the agent to retry
// (503, SERVICE_UNAVAILABLE) instead of showing an internal error.
const base = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR" && isDatabaseUnavailable(result.error.cause)) {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The database is briefly unavailable; nothing was saved. Try again in a few seconds.", cause: result.error.cause });
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
    },
  });
});

export function roleProcedure(...roles: Role[]) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.viewer.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Only ${roles.join(" or ")} may do this.` });
    }
    return next();
  });
}

export const supervisorProcedure = roleProcedure("supervisor", "admin");
export const adminProcedure = roleProcedure("admin");
