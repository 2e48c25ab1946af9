// next-auth configuration: email + password (Credentials), JWT sessions that
// carry the agent's id, role and teams. The same token authenticates socket.io.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyLogin } from "./login";
import type { Role } from "./viewer";

declare module "next-auth" {
  interface Session {
    user: { id: string; name: string; email: string; role: Role; teamIds: string[]; signedInAt?: number };
  }
  interface User {
    id: string;
    role: Role;
    teamIds: string[];
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
    teamIds?: string[];
    /** Set once at sign-in and kept when the token is refreshed (unlike iat). */
    signedInAt?: number;
  }
}

export const SESSION_MAX_AGE_S = 12 * 60 * 60;

export function authOptions(): NextAuthOptions {
  return {
    secret: process.env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) throw new Error("Enter your email and password.");
          const result = await verifyLogin(credentials.email, credentials.password);
          if (!result.ok) {
            if (result.reason === "locked") {
              const minutes = Math.ceil((result.retryAfterMs ?? 0) / 60000);
              throw new Error(`Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
            }
            throw new Error("Wrong email or password.");
          }
          const v = result.viewer;
          return { id: v.userId, name: v.name, email: v.email, role: v.role, teamIds: v.teamIds };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.role = user.role;
          token.teamIds = user.teamIds;
          token.signedInAt = Date.now();
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
        };
        return session;
      },
    },
  };
}
