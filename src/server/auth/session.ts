// Reading the signed-in agent in server components, route handlers and tRPC.
// Role and teams are re-read from the database so a demotion or team change
// takes effect at once, not when the JWT expires.
import { getServerSession } from "next-auth";
import { getToken, type JWT } from "next-auth/jwt";
import { db } from "@/server/db";
import { authOptions } from "./options";
import type { Viewer } from "./viewer";

export async function viewerFromUserId(userId: string | undefined, signedInAt?: number): Promise<Viewer | null> {
  if (!userId) return null;
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, role: true, name: true, email: true, deactivatedAt: true, sessionsValidAfter: true, teams: { select: { teamId: true } } },
  });
  if (!user || user.deactivatedAt) return null;
  // Signed in before a password reset (or with a token too old to say when): void.
  if (user.sessionsValidAfter && !(signedInAt && signedInAt >= user.sessionsValidAfter.getTime())) return null;
  return { userId: user.id, role: user.role, teamIds: user.teams.map((t) => t.teamId), name: user.name, email: user.email, signedInAt };
}

/** In server components and route handlers. */
export async function currentViewer(): Promise<Viewer | null> {
  const session = await getServerSession(authOptions());
  return viewerFromUserId(session?.user?.id, session?.user?.signedInAt);
}

/** From a raw Cookie header (socket.io handshake). */
export async function viewerFromCookieHeader(cookieHeader: string | undefined): Promise<Viewer | null> {
  const cookies = parseCookies(cookieHeader ?? "");
  const secure = cookies["__Secure-next-auth.session-token"] !== undefined;
  const token: JWT | null = await getToken({
    // getToken only reads req.cookies / req.headers.
    req: { cookies, headers: { cookie: cookieHeader ?? "" } } as never,
    secret: process.env.NEXTAUTH_SECRET,
    secureCookie: secure,
  });
  return viewerFromUserId(token?.uid, token?.signedInAt);
}

export function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!name) continue;
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[name] = part.slice(i + 1).trim();
    }
  }
  return out;
}
