// Single sign-on's settings and claim reading: the role map, dotted role
// claims, verified-email spellings and the allowed domains.
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/env";
import { claimAt, emailDomainAllowed, emailVerified, mappedRole } from "@/server/auth/sso";

const trio = { OIDC_ISSUER: "https://idp.example.com/realms/acme", OIDC_CLIENT_ID: "throughline", OIDC_CLIENT_SECRET: "s3cret-value" };

function envError(source: Record<string, string>): string {
  try {
    parseEnv(source);
    return "no error";
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
}

describe("OIDC settings", () => {
  it("are off by default, with documented defaults for the rest", () => {
    const env = parseEnv({});
    expect(env.OIDC_ISSUER).toBeUndefined();
    expect(env.OIDC_DISPLAY_NAME).toBe("Single sign-on");
    expect(env.OIDC_SCOPES).toBe("openid email profile");
    expect(env.OIDC_ALLOWED_DOMAINS).toEqual([]);
    expect(env.OIDC_ROLE_MAP).toEqual([]);
    expect(env.OIDC_AUTO_CREATE).toBe(true);
  });

  it("need the issuer, client id and secret together, naming what is missing", () => {
    expect(envError({ OIDC_ISSUER: trio.OIDC_ISSUER, OIDC_CLIENT_ID: "x" })).toMatch(/^Missing required environment variable OIDC_CLIENT_SECRET: single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together/);
    expect(envError({ OIDC_CLIENT_SECRET: "x" })).toMatch(/^Missing required environment variable OIDC_ISSUER, OIDC_CLIENT_ID: /);
    expect(envError(trio)).toBe("no error");
  });

  it("parse the role map in order and refuse a bad pair or an unknown role", () => {
    const env = parseEnv({ ...trio, OIDC_ROLE_CLAIM: "groups", OIDC_ROLE_MAP: " helpdesk-admins=admin, helpdesk-leads=supervisor ,*=agent" });
    expect(env.OIDC_ROLE_MAP).toEqual([
      { value: "helpdesk-admins", role: "admin" },
      { value: "helpdesk-leads", role: "supervisor" },
      { value: "*", role: "agent" },
    ]);
    expect(envError({ ...trio, OIDC_ROLE_CLAIM: "groups", OIDC_ROLE_MAP: "helpdesk-admins=owner" })).toBe('Invalid environment variable OIDC_ROLE_MAP: "helpdesk-admins=owner" is not value=admin|supervisor|agent');
    expect(envError({ ...trio, OIDC_ROLE_CLAIM: "groups", OIDC_ROLE_MAP: "admins" })).toMatch(/^Invalid environment variable OIDC_ROLE_MAP: /);
    expect(envError({ ...trio, OIDC_ROLE_MAP: "admins=admin" })).toMatch(/^Missing required environment variable OIDC_ROLE_CLAIM: /);
  });

  it("normalise allowed domains and refuse what is not one", () => {
    expect(parseEnv({ OIDC_ALLOWED_DOMAINS: "Acme.com, @support.acme.com,," }).OIDC_ALLOWED_DOMAINS).toEqual(["acme.com", "support.acme.com"]);
    expect(envError({ OIDC_ALLOWED_DOMAINS: "acme.com,not a domain" })).toBe("Invalid environment variable OIDC_ALLOWED_DOMAINS: not a domain: not a domain");
  });

  it("require the openid scope", () => {
    expect(envError({ OIDC_SCOPES: "email profile" })).toBe("Invalid environment variable OIDC_SCOPES: must include openid");
  });
});

describe("claims", () => {
  const rules = [
    { value: "helpdesk-admins", role: "admin" as const },
    { value: "helpdesk-leads", role: "supervisor" as const },
  ];

  it("map a string or array claim by the first matching rule; no match = no role", () => {
    expect(mappedRole({ groups: ["staff", "helpdesk-leads", "helpdesk-admins"] }, "groups", rules)).toBe("admin");
    expect(mappedRole({ groups: "helpdesk-leads" }, "groups", rules)).toBe("supervisor");
    expect(mappedRole({ groups: ["staff"] }, "groups", rules)).toBeNull();
    expect(mappedRole({}, "groups", rules)).toBeNull();
    expect(mappedRole({ groups: ["staff"] }, "groups", [...rules, { value: "*", role: "agent" }])).toBe("agent");
    expect(mappedRole({ groups: ["helpdesk-admins"] }, undefined, rules)).toBeNull();
  });

  it("reach nested claims by a dotted path, and prefer a claim literally named with dots", () => {
    expect(mappedRole({ realm_access: { roles: ["helpdesk-admins"] } }, "realm_access.roles", rules)).toBe("admin");
    expect(claimAt({ "https://acme.com/roles": ["x"] }, "https://acme.com/roles")).toEqual(["x"]);
    expect(claimAt({ a: { b: 1 } }, "a.c")).toBeUndefined();
    expect(claimAt({ a: "text" }, "a.length")).toBeUndefined();
  });

  it("count an email verified by email_verified (boolean or string) or Entra's xms_edov, nothing else", () => {
    expect(emailVerified({ email_verified: true })).toBe(true);
    expect(emailVerified({ email_verified: "true" })).toBe(true);
    expect(emailVerified({ xms_edov: true })).toBe(true);
    expect(emailVerified({ xms_edov: "1" })).toBe(true);
    expect(emailVerified({ email_verified: false })).toBe(false);
    expect(emailVerified({ email_verified: "false" })).toBe(false);
    expect(emailVerified({})).toBe(false);
  });

  it("check the email's exact domain (no subdomain or suffix match)", () => {
    expect(emailDomainAllowed("ann@acme.com", [])).toBe(true);
    expect(emailDomainAllowed("ann@ACME.com", ["acme.com"])).toBe(true);
    expect(emailDomainAllowed("ann@evil-acme.com", ["acme.com"])).toBe(false);
    expect(emailDomainAllowed("ann@acme.com.evil.test", ["acme.com"])).toBe(false);
    expect(emailDomainAllowed("ann@eu.acme.com", ["acme.com"])).toBe(false);
  });
});
