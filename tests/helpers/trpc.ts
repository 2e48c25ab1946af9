// Calling tRPC procedures in-process, the way the route handler does, as a
// seeded user: for integration tests against the test database.
import { TRPCError } from "@trpc/server";
import { db } from "@/server/db";
import { createCaller } from "@/server/api/root";
import { viewerOfUser, type Viewer } from "@/server/auth/viewer";

/** The signed-in viewer of the user with this email (role and teams from the database). */
export async function viewerByEmail(email: string): Promise<Viewer> {
  const u = await db.user.findUniqueOrThrow({ where: { email } });
  return (await viewerOfUser(u.id))!;
}

export const callerAs = (viewer: Viewer) => createCaller({ viewer });

/** "OK", the tRPC error code ("CODE: message" with withMessage), or "THREW …" for anything else. */
export async function outcomeOf(call: Promise<unknown>, withMessage = false): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return withMessage ? `${error.code}: ${error.message}` : error.code;
    return `THREW ${(error as Error).message}`;
  }
}
