// Every tRPC procedure, generated from the router itself: a new procedure that
// forgets its permission check fails here. Public procedures must be listed.
import { describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { appRouter, createCaller } from "@/server/api/root";
import type { Viewer } from "@/server/auth/viewer";

// Deliberately callable without a session (none today).
const PUBLIC: string[] = [];
// Path prefixes that need the supervisor (or admin) role, and the admin role.
const SUPERVISOR_ONLY = [/^supervisor\./, /^metrics\./, /^journey\.funnel$/, /^surveys\.(recent|stats)$/, /^sla\.(policies|teams|preview)$/];
const ADMIN_ONLY = [/^settings\./, /^people\./, /^apiKeys\./, /^privacy\./, /^rules\./, /^sla\.(savePolicy|deletePolicy|saveHours)$/, /^helpcenter\.(list|get|save|delete|preview|categories)$/];

const paths = Object.keys((appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures).sort();

async function call(viewer: Viewer | null, path: string): Promise<unknown> {
  let target: unknown = createCaller({ viewer });
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  return (target as (input: unknown) => Promise<unknown>)({});
}

async function codeOf(viewer: Viewer | null, path: string): Promise<string> {
  try {
    await call(viewer, path);
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? error.code : `THREW ${(error as Error).message}`;
  }
}

const agent: Viewer = { userId: "00000000-0000-7000-8000-000000000001", role: "agent", teamIds: [] };
const supervisor: Viewer = { ...agent, role: "supervisor" };

describe("every tRPC procedure", () => {
  it("the router has procedures to check", () => {
    expect(paths.length).toBeGreaterThan(5);
  });

  it.each(paths.filter((p) => !PUBLIC.includes(p)))("%s refuses an anonymous caller with UNAUTHORIZED", async (path) => {
    expect(await codeOf(null, path)).toBe("UNAUTHORIZED");
  });

  it.each(paths.filter((p) => SUPERVISOR_ONLY.some((r) => r.test(p)) || ADMIN_ONLY.some((r) => r.test(p))))(
    "%s refuses a plain agent with FORBIDDEN",
    async (path) => {
      expect(await codeOf(agent, path)).toBe("FORBIDDEN");
    },
  );

  it.each(paths.filter((p) => ADMIN_ONLY.some((r) => r.test(p))))("%s refuses a supervisor with FORBIDDEN", async (path) => {
    expect(await codeOf(supervisor, path)).toBe("FORBIDDEN");
  });
});
