// next-auth configuration: email + password (Credentials) and, when
// configured, OpenID Connect single sign-on (./sso.ts). The cookie is a
// signed JWT naming a server-side session row (./sessions.ts), which every
// request checks; signing out ends the row. The same cookie authenticates socket.io.
import type { NextAuthOptions } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { TokenSet } from "openid-client";
import CredentialsProvider from "next-auth/providers/credentials";
import { oidcSettings, publicUrl, type OidcSettings } from "@/env";
import { purposeSecret } from "@/server/security/secrets";
import { verifyLogin } from "./login";
import { resolveSsoUser, type SsoClaims } from "./sso";
import { createSession, endSession, SESSION_IDLE_MS } from "./sessions";
import type { Role } from "./viewer";

declare module "next-auth" {
  interface Session {
    user: { id: string; name: string; email: string; role: Role; teamIds: string[]; signedInAt?: number; sessionId?: string };
  }
  interface User {
    id: string;
    role: Role;
    teamIds: string[];
    sessionId: string;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
    teamIds?: string[];
    /** Set once at sign-in and kept when the token is refreshed (unlike iat). */
    signedInAt?: number;
    /** The user_sessions row this cookie stands for. */
    sid?: string;
  }
}

export const SESSION_MAX_AGE_S = SESSION_IDLE_MS / 1000;

/** Secure cookies (and the __Secure- prefix) whenever the console is served over https. */
export function useSecureCookies(): boolean {
  return publicUrl().startsWith("https://");
}

export function sessionCookieName(secure = useSecureCookies()): string {
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}

/** The provider id: the redirect URI is <PUBLIC_URL>/api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = "oidc";

function oidcProvider(settings: OidcSettings): OAuthConfig<SsoClaims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: settings.displayName,
    type: "oauth",
    wellKnown: `${settings.issuer}/.well-known/openid-configuration`,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    client: { token_endpoint_auth_method: "client_secret_basic" },
    authorization: { params: { scope: settings.scopes } },
    idToken: true,
    checks: ["pkce", "state"],
    userinfo: {
      // A conforming provider leaves email and profile claims out of the ID
      // token when it also issues an access token (they are at userinfo), so
      // both are read. The ID token's own claims (iss, sub: verified) win.
      async request({ tokens, client }) {
        // A TokenSet at run time (next-auth's type says only its fields).
        const set = tokens as TokenSet;
        const idClaims = set.claims() as SsoClaims;
        const info = (await client.userinfo(set)) as SsoClaims;
        return { ...info, ...idClaims };
      },
    },
    // Placeholders: the signIn callback below replaces them with the user resolveSsoUser finds.
    profile: (claims) => ({ id: String(claims.sub), name: null, email: null, role: "agent", teamIds: [], sessionId: "" }),
  };
}

/** The request's client (for the session row): x-throughline-client-ip is computed by the server, never taken from the caller. */
export type AuthRequestContext = { clientIp?: string | null; userAgent?: string | null };

export function authOptions(request: AuthRequestContext = {}): NextAuthOptions {
  const oidc = oidcSettings();
  return {
    secret: purposeSecret("sessions"),
    useSecureCookies: useSecureCookies(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      ...(oidc ? [oidcProvider(oidc)] : []),
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) throw new Error("Enter your email and password.");
          const header = (name: string) => {
            const value = req?.headers?.[name] as string | string[] | undefined;
            return Array.isArray(value) ? value[0] : value;
          };
          // Lockouts are per (account, address): a stranger's guesses cannot lock the owner out.
          const result = await verifyLogin(credentials.email, credentials.password, header("x-throughline-client-ip"));
          if (!result.ok) {
            if (result.reason === "locked") {
              const minutes = Math.ceil((result.retryAfterMs ?? 0) / 60000);
              throw new Error(`Too many failed attempts from this address. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
            }
            throw new Error("Wrong email or password.");
          }
          const v = result.viewer;
          const sessionId = await createSession(v.userId, { userAgent: header("user-agent"), ip: header("x-throughline-client-ip") });
          return { id: v.userId, name: v.name, email: v.email, role: v.role, teamIds: v.teamIds, sessionId };
        },
      }),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        const claims = profile as SsoClaims;
        // openid-client has checked the ID token's iss against the discovered issuer.
        const result = await resolveSsoUser(claims, String(claims.iss ?? oidc?.issuer));
        if (!result.ok) return `/login?error=sso_${result.reason}`;
        const v = result.viewer;
        const sessionId = await createSession(v.userId, { userAgent: request.userAgent, ip: request.clientIp });
        // next-auth hands this same object to the jwt callback: the cookie then names the row, as for passwords.
        Object.assign(user, { id: v.userId, name: v.name, email: v.email, role: v.role, teamIds: v.teamIds, sessionId });
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.role = user.role;
          token.teamIds = user.teamIds;
          token.signedInAt = Date.now();
          token.sid = user.sessionId;
        }
        return token;
      },
      async session({ session, token }) {
        session.user = {
          id: token.uid ?? "",
          name: token.name ?? "",
          email: token.email ?? "",
          role: token.role ?? "agent",
          teamIds: token.teamIds ?? [],
          signedInAt: token.signedInAt,
          sessionId: token.sid,
        };
        return session;
      },
    },
    events: {
      // The cookie is cleared by next-auth; the row is what makes the old cookie worthless.
      async signOut({ token }) {
        await endSession(token?.sid, token?.uid);
      },
    },
  };
}
