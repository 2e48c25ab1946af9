// Reading the signed-in agent in server components, route handlers, tRPC and
// the socket.io handshake. The cookie names a session row (src/server/auth/
// sessions.ts); the row and the user's role and teams are read on every call,
// so an ended session, a demotion or a team change takes effect at once.
import { getServerSession } from "next-auth";
import { getToken, type JWT } from "next-auth/jwt";
import { authOptions, sessionCookieName, useSecureCookies } from "./options";
import { viewerFromSession } from "./sessions";
import { purposeSecret } from "@/server/security/secrets";
import type { Viewer } from "./viewer";

/** In server components and route handlers. */
export async function currentViewer(): Promise<Viewer | null> {
  const session = await getServerSession(authOptions());
  return viewerFromSession(session?.user?.sessionId, session?.user?.id);
}

/** From a raw Cookie header (socket.io handshake). */
export async function viewerFromCookieHeader(cookieHeader: string | undefined): Promise<Viewer | null> {
  const token = await tokenFromCookieHeader(cookieHeader);
  return viewerFromSession(token?.sid, token?.uid);
}

export async function tokenFromCookieHeader(cookieHeader: string | undefined): Promise<JWT | null> {
  const cookies = parseCookies(cookieHeader ?? "");
  const secure = useSecureCookies();
  // Over https only the __Secure- cookie counts (a plain one could be planted by a sibling http origin).
  if (cookies[sessionCookieName(secure)] === undefined) return null;
  return getToken({
    // getToken only reads req.cookies / req.headers.
    req: { cookies, headers: { cookie: cookieHeader ?? "" } } as never,
    secret: purposeSecret("sessions"),
    secureCookie: secure,
  });
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
