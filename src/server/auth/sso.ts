// Single sign-on (OpenID Connect): who a sign-in is, from the identity
// provider's verified claims. The account (issuer, subject) finds the user;
// else a verified email links an existing user to it; else, when allowed, a
// new agent is created without a password. Roles follow the configured claim.
// Knows nothing of next-auth: the claims arrive as a plain object (see docs/sso.md).
import { oidcSettings, type OidcRoleRule, type OidcSettings } from "@/env";
import { db } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { updateUser } from "@/server/people/users";
import { isUniqueViolation, PeopleError } from "@/server/people/errors";
import type { Role, Viewer } from "./viewer";

/** The ID token's claims merged with the userinfo answer. */
export type SsoClaims = Record<string, unknown>;

export type SsoRefusal = "no_email" | "unverified" | "domain" | "deactivated" | "not_invited" | "linked_elsewhere";

export type SsoResult = { ok: true; viewer: Viewer & { name: string; email: string }; outcome: "signed_in" | "linked" | "created" } | { ok: false; reason: SsoRefusal };

// Verified-email claims say "true" in several spellings across providers.
const truthy = (v: unknown) => v === true || v === "true" || v === 1 || v === "1";

/** email_verified, or Entra ID's optional `xms_edov` (email domain owner verified); Entra sends no email_verified. */
export function emailVerified(claims: SsoClaims): boolean {
  return truthy(claims.email_verified) || truthy(claims.xms_edov);
}

/** A claim by name, or by a dotted path into nested objects ("realm_access.roles"); the whole name wins (URL-named claims contain dots). */
export function claimAt(claims: SsoClaims, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let at: unknown = claims;
  for (const part of name.split(".")) {
    if (!at || typeof at !== "object" || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** The role the claim's values map to (first rule in order that matches; "*" matches anyone), or null. */
export function mappedRole(claims: SsoClaims, roleClaim: string | undefined, rules: OidcRoleRule[]): Role | null {
  if (!roleClaim) return null;
  const raw = claimAt(claims, roleClaim);
  const values = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).filter((v) => typeof v === "string" || typeof v === "number").map(String);
  for (const rule of rules) if (rule.value === "*" || values.includes(rule.value)) return rule.role;
  return null;
}

export function emailDomainAllowed(email: string, allowedDomains: string[]): boolean {
  if (allowedDomains.length === 0) return true;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  return allowedDomains.includes(domain);
}

function displayName(claims: SsoClaims, email: string): string {
  const given = [claims.given_name, claims.family_name].filter((v) => typeof v === "string" && v.trim()).join(" ");
  const name = [claims.name, given, claims.preferred_username].find((v) => typeof v === "string" && v.trim()) as string | undefined;
  return (name ?? email.slice(0, email.indexOf("@"))).trim().slice(0, 120);
}

const USER = { id: true, name: true, email: true, role: true, deactivatedAt: true, ssoIssuer: true, ssoSubject: true, teams: { select: { teamId: true } } } as const;

/** The user this sign-in is, or why not. `issuer` is the ID token's validated `iss`. */
export async function resolveSsoUser(claims: SsoClaims, issuer: string, settings: OidcSettings | null = oidcSettings()): Promise<SsoResult> {
  if (!settings) throw new Error("single sign-on is not configured");
  try {
    return await resolve(claims, issuer, settings);
  } catch (error) {
    // Two first sign-ins of one person at once: the loser finds what the winner stored.
    if (isUniqueViolation(error)) return resolve(claims, issuer, settings);
    throw error;
  }
}

async function resolve(claims: SsoClaims, issuer: string, settings: OidcSettings): Promise<SsoResult> {
  const subject = String(claims.sub ?? "");
  if (!subject) throw new Error("the ID token has no subject");
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  // Every sign-in, returning or not, must carry an email the provider vouches for, in an allowed domain:
  // narrowing OIDC_ALLOWED_DOMAINS applies to linked accounts too.
  if (!email || !email.includes("@")) return { ok: false, reason: "no_email" };
  if (!emailVerified(claims)) return { ok: false, reason: "unverified" };
  if (!emailDomainAllowed(email, settings.allowedDomains)) return { ok: false, reason: "domain" };
  const role = mappedRole(claims, settings.roleClaim, settings.roleMap);

  let outcome: "signed_in" | "linked" | "created" = "signed_in";
  let user = await db.user.findUnique({ where: { ssoIssuer_ssoSubject: { ssoIssuer: issuer, ssoSubject: subject } }, select: USER });
  if (!user) {
    const byEmail = await db.user.findUnique({ where: { email }, select: USER });
    if (byEmail) {
      if (byEmail.ssoSubject && (byEmail.ssoIssuer !== issuer || byEmail.ssoSubject !== subject)) return { ok: false, reason: "linked_elsewhere" };
      if (byEmail.deactivatedAt) return { ok: false, reason: "deactivated" };
      user = await db.$transaction(async (tx) => {
        const linked = await tx.user.update({ where: { id: byEmail.id }, data: { ssoIssuer: issuer, ssoSubject: subject }, select: USER });
        await recordAudit(tx, { actorUserId: linked.id, action: "user.sso_linked", targetType: "user", targetId: linked.id, data: { issuer, subject, email } });
        return linked;
      });
      outcome = "linked";
    } else {
      if (!settings.autoCreate) return { ok: false, reason: "not_invited" };
      user = await db.$transaction(async (tx) => {
        const created = await tx.user.create({ data: { email, name: displayName(claims, email), role: role ?? "agent", passwordHash: null, ssoIssuer: issuer, ssoSubject: subject }, select: USER });
        await recordAudit(tx, { actorUserId: created.id, action: "user.sso_created", targetType: "user", targetId: created.id, data: { issuer, subject, email, role: created.role } });
        return created;
      });
      outcome = "created";
    }
  }
  if (user.deactivatedAt) return { ok: false, reason: "deactivated" };

  let currentRole: Role = user.role;
  if (role && role !== user.role) {
    try {
      // Through the people service: audited, and open sockets re-authorize.
      await updateUser(user.id, { role }, null);
      currentRole = role;
    } catch (error) {
      // The last active admin stays one (the service refuses); the sign-in still succeeds.
      if (!(error instanceof PeopleError)) throw error;
    }
  }
  if (outcome === "signed_in") await recordAudit(db, { actorUserId: user.id, action: "user.sso_signed_in", targetType: "user", targetId: user.id, data: { issuer, subject } });
  return { ok: true, outcome, viewer: { userId: user.id, role: currentRole, teamIds: user.teams.map((t) => t.teamId), name: user.name, email: user.email } };
}
