import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/options";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Options per request, not at import: the signing keys are loaded at start-up
// (from the environment or the database), after Next has loaded this module.
type Ctx = { params: Promise<{ nextauth: string[] }> };
const handler = (req: NextRequest, ctx: Ctx) => NextAuth(req as never, ctx as never, authOptions());
export { handler as GET, handler as POST };
