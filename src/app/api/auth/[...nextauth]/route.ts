import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions, sessionCookieName, useSecureCookies } from "@/server/auth/options";
import { tokenFromCookieHeader } from "@/server/auth/session";
import { endSession, viewerFromSession } from "@/server/auth/sessions";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type Ctx = { params: Promise<{ nextauth: string[] }> };

function clearedSessionCookie(): string {
  const secure = useSecureCookies();
  return `${sessionCookieName(secure)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

// Options per request, not at import: the signing keys are loaded at start-up
// (from the environment or the database), after Next has loaded this module.
async function handler(req: NextRequest, ctx: Ctx) {
  const action = (await ctx.params).nextauth?.[0];
  const cookie = req.headers.get("cookie") ?? undefined;
  if (action === "signout" && req.method === "POST") {
    // The row ends before next-auth clears the cookie (it only logs a failing
    // signOut event): a copied cookie must never outlive a sign-out that "worked".
    try {
      const token = await tokenFromCookieHeader(cookie);
      if (token) await endSession(token.sid, token.uid);
    } catch {
      return Response.json({ error: { code: "unavailable", message: "Signing out failed for a moment; nothing changed. Try again." } }, { status: 503 });
    }
  }
  if (action === "session" && req.method === "GET") {
    // next-auth would answer (and renew) from the JWT alone; an ended session is no session.
    const token = await tokenFromCookieHeader(cookie);
    if (token && !(await viewerFromSession(token.sid, token.uid))) return Response.json({}, { headers: { "set-cookie": clearedSessionCookie(), "cache-control": "no-store" } });
  }
  // Single sign-on creates its session row in a callback that never sees the request: hand it the client here.
  return NextAuth(req as never, ctx as never, authOptions({ clientIp: req.headers.get("x-throughline-client-ip"), userAgent: req.headers.get("user-agent") }));
}
export { handler as GET, handler as POST };
