// Single sign-on end to end: a real OpenID Connect provider (oidc-provider,
// its development login and consent pages) runs in this process; the real app
// signs people in through it — by plain HTTP (every redirect followed by hand,
// the provider's forms submitted) and once in Chromium.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import Provider from "oidc-provider";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, type AppServer } from "../../helpers/app-server";
import { launchBrowser, seriousAxeViolations } from "../../helpers/browser";
import { freePort } from "../../../src/server/db/embedded.ts";
import { resolveSsoUser } from "@/server/auth/sso";
import type { OidcSettings } from "@/env";

type Account = { sub: string; email: string; email_verified: boolean; name: string; groups: string[] };

// The person each test signs in as at the provider's login page (its "login" field).
const accounts = new Map<string, Account>();
function person(login: string, a: Omit<Account, "sub">) {
  accounts.set(login, { ...a, sub: login });
  return login;
}

let t: TestDatabase;
let app: AppServer;
let plain: AppServer;
let idp: http.Server;
let issuer: string;
// What the provider put in each ID token it issued (to check what the app must fetch from userinfo).
const idTokenClaims: Record<string, unknown>[] = [];

beforeAll(async () => {
  t = await useTestDatabase();
  const idpPort = await freePort();
  issuer = `http://localhost:${idpPort}`;
  // The app learns the issuer's endpoints lazily (discovery at the first sign-in), so it can start first.
  app = await startAppServer({
    databaseUrl: t.url,
    env: {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: "throughline-test",
      OIDC_CLIENT_SECRET: "test-oidc-client-secret",
      OIDC_DISPLAY_NAME: "Acme ID",
      OIDC_SCOPES: "openid email profile groups",
      OIDC_ROLE_CLAIM: "groups",
      OIDC_ROLE_MAP: "helpdesk-admins=admin,helpdesk-leads=supervisor",
      OIDC_ALLOWED_DOMAINS: "acme.test,throughline.test",
    },
  });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "throughline-test",
        client_secret: "test-oidc-client-secret",
        redirect_uris: [`${app.url}/api/auth/callback/oidc`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups"],
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["test-oidc-cookie-key-0123456789"] },
    async findAccount(_ctx, login) {
      const account = accounts.get(login);
      if (!account) return undefined;
      return { accountId: login, claims: async () => ({ ...account }) };
    },
  });
  // Each ID token the token endpoint hands out, decoded (the provider verified nothing for us here: we only read it).
  provider.on("grant.success", (ctx: { body?: { id_token?: string } }) => {
    const token = ctx.body?.id_token;
    if (token) idTokenClaims.push(JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>);
  });
  idp = http.createServer(provider.callback());
  await new Promise<void>((resolve) => idp.listen(idpPort, "127.0.0.1", resolve));
});
afterAll(async () => {
  await app?.stop();
  await plain?.stop();
  await new Promise((r) => (idp ? idp.close(r) : r(undefined)));
  await t?.drop();
});

/** A cookie jar per origin (the provider and the app share the host localhost). */
class Browserless {
  jars = new Map<string, Map<string, string>>();
  cookie(url: string) {
    return [...(this.jars.get(new URL(url).origin) ?? [])].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), cookie: this.cookie(url) } });
    const jar = this.jars.get(new URL(url).origin) ?? new Map<string, string>();
    this.jars.set(new URL(url).origin, jar);
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair!.indexOf("=");
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired) jar.delete(pair!.slice(0, i));
      else jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }
}

/**
 * Signs in through the provider as `login`: next-auth's sign-in start, the
 * provider's authorization endpoint, its login form, its consent form, back
 * to the app's callback, and wherever the app sends the browser then.
 */
async function ssoSignIn(login: string, callbackUrl = "/inbox"): Promise<{ landed: URL; cookie: string; ua: Browserless }> {
  const ua = new Browserless();
  const csrf = (await (await ua.fetch(`${app.url}/api/auth/csrf`)).json()) as { csrfToken: string };
  const start = await ua.fetch(`${app.url}/api/auth/signin/oidc`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken: csrf.csrfToken, callbackUrl, json: "true" }),
  });
  let url = new URL(((await start.json()) as { url: string }).url);
  expect(url.origin, "sign-in starts at the provider").toBe(issuer);
  for (let hop = 0; hop < 20; hop++) {
    const res = await ua.fetch(url.toString());
    const location = res.headers.get("location");
    if (location) {
      url = new URL(location, url);
      continue;
    }
    if (url.origin !== issuer) return { landed: url, cookie: ua.cookie(app.url), ua };
    // One of the provider's development pages: submit its form (login, then consent).
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    expect(action, `a form at ${url}: ${html.slice(0, 300)}`).toBeTruthy();
    const isLogin = html.includes('name="login"');
    const body = new URLSearchParams(isLogin ? { prompt: "login", login, password: "any" } : { prompt: "consent" });
    const posted = await ua.fetch(new URL(action!.replace(/&amp;/g, "&"), url).toString(), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    url = new URL(posted.headers.get("location")!, url);
  }
  throw new Error("too many redirects");
}

async function me(cookie: string) {
  const res = await fetch(`${app.url}/api/trpc/me.get`, { headers: { cookie } });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as { result: { data: { json: { userId: string; email: string; role: string; name: string } } } }).result.data.json : null };
}

describe("single sign-on through an OpenID Connect provider", () => {
  it("creates a new user with the mapped role, who then uses the console with the session cookie", async () => {
    const login = person("nora", { email: "Nora.Lead@acme.test", email_verified: true, name: "Nora Lead", groups: ["staff", "helpdesk-leads"] });
    const { landed, cookie } = await ssoSignIn(login);
    expect(landed.toString()).toBe(`${app.url}/inbox`);
    const who = await me(cookie);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ email: "nora.lead@acme.test", name: "Nora Lead", role: "supervisor" });
    const user = await t.prisma.user.findUniqueOrThrow({ where: { email: "nora.lead@acme.test" } });
    expect(user).toMatchObject({ ssoIssuer: issuer, ssoSubject: "nora", passwordHash: null, role: "supervisor" });
    // The session row is the password path's: the client's address and agent recorded.
    const session = await t.prisma.userSession.findFirstOrThrow({ where: { userId: user.id } });
    expect(session.ip).toBe("127.0.0.1");
    expect(session.userAgent).toBeTruthy();
    expect(session.revokedAt).toBeNull();
    const audit = await t.prisma.auditLog.findMany({ where: { targetId: user.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["user.sso_created"]);
    // The inbox page itself renders for them.
    const page = await fetch(`${app.url}/inbox`, { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(200);
  });

  it("reads email and groups from userinfo: a conforming provider leaves them out of the ID token", async () => {
    const login = person("ivy", { email: "ivy@acme.test", email_verified: true, name: "Ivy", groups: ["helpdesk-leads"] });
    const before = idTokenClaims.length;
    const { cookie } = await ssoSignIn(login);
    expect(idTokenClaims.length).toBe(before + 1);
    const idToken = idTokenClaims.at(-1)!;
    expect(idToken).toMatchObject({ iss: issuer, sub: "ivy", aud: "throughline-test" });
    expect(idToken).not.toHaveProperty("email");
    expect(idToken).not.toHaveProperty("groups");
    expect((await me(cookie)).body).toMatchObject({ email: "ivy@acme.test", name: "Ivy", role: "supervisor" });
  });

  it("the same subject signing in again is the same user; a changed group changes the role, audited", async () => {
    const login = person("omar", { email: "omar@acme.test", email_verified: true, name: "Omar", groups: ["helpdesk-admins"] });
    const first = await ssoSignIn(login);
    const id = (await me(first.cookie)).body!.userId;
    expect((await me(first.cookie)).body!.role).toBe("admin");
    accounts.get(login)!.groups = ["helpdesk-leads"];
    const second = await ssoSignIn(login);
    const again = await me(second.cookie);
    expect(again.body).toMatchObject({ userId: id, role: "supervisor" });
    expect(await t.prisma.user.count({ where: { email: "omar@acme.test" } })).toBe(1);
    const actions = (await t.prisma.auditLog.findMany({ where: { targetId: id }, orderBy: { createdAt: "asc" } })).map((a) => [a.action, a.data]);
    expect(actions).toEqual([
      ["user.sso_created", expect.objectContaining({ role: "admin" })],
      ["user.updated", { role: { from: "admin", to: "supervisor" } }],
      ["user.sso_signed_in", { issuer, subject: "omar" }],
    ]);
    // No group that maps to a role: the role stays as it is.
    accounts.get(login)!.groups = [];
    expect((await me((await ssoSignIn(login)).cookie)).body!.role).toBe("supervisor");
  });

  it("links an existing password user with the same verified email, who can still use their password", async () => {
    const agent = await t.prisma.user.findUniqueOrThrow({ where: { email: "agent@throughline.test" } });
    expect(agent.passwordHash).not.toBeNull();
    const login = person("agent", { email: "agent@throughline.test", email_verified: true, name: "Someone Else", groups: [] });
    const { cookie } = await ssoSignIn(login);
    expect((await me(cookie)).body).toMatchObject({ userId: agent.id, role: "agent", name: agent.name });
    expect(await t.prisma.user.findUniqueOrThrow({ where: { id: agent.id } })).toMatchObject({ ssoIssuer: issuer, ssoSubject: "agent", passwordHash: agent.passwordHash });
    expect((await t.prisma.auditLog.findFirstOrThrow({ where: { targetId: agent.id, action: "user.sso_linked" } })).data).toEqual({ issuer, subject: "agent", email: "agent@throughline.test" });
    expect((await signIn(app.url, "agent@throughline.test")).ok).toBe(true);
  });

  it("refuses an email outside the allowed domains, and the login page says why", async () => {
    const login = person("mallory", { email: "mallory@elsewhere.test", email_verified: true, name: "Mallory", groups: ["helpdesk-admins"] });
    const { landed, cookie } = await ssoSignIn(login);
    expect(landed.pathname).toBe("/login");
    expect(landed.searchParams.get("error")).toBe("sso_domain");
    expect((await me(cookie)).status).toBe(401);
    expect(await t.prisma.user.findUnique({ where: { email: "mallory@elsewhere.test" } })).toBeNull();
    const html = await (await fetch(landed)).text();
    expect(html).toMatch(/<p role="alert"[^>]*>Your email address is not in a domain allowed to sign in here/);
  });

  it("refuses an unverified email: no user, no link", async () => {
    const login = person("una", { email: "una@acme.test", email_verified: false, name: "Una", groups: [] });
    const { landed } = await ssoSignIn(login);
    expect(landed.searchParams.get("error")).toBe("sso_unverified");
    expect(await t.prisma.user.findUnique({ where: { email: "una@acme.test" } })).toBeNull();
    // Nor may an unverified claim take over an existing account by its email.
    const admin = person("fake-admin", { email: "admin@throughline.test", email_verified: false, name: "Fake", groups: ["helpdesk-admins"] });
    expect((await ssoSignIn(admin)).landed.searchParams.get("error")).toBe("sso_unverified");
    expect((await t.prisma.user.findUniqueOrThrow({ where: { email: "admin@throughline.test" } })).ssoSubject).toBeNull();
  });

  it("a user created by single sign-on (no password) cannot sign in with a password", async () => {
    const login = person("pia", { email: "pia@acme.test", email_verified: true, name: "Pia", groups: [] });
    await ssoSignIn(login);
    for (const guess of ["", "throughline", "not-a-password"]) expect((await signIn(app.url, "pia@acme.test", guess)).ok).toBe(false);
  });

  it("refuses a deactivated user", async () => {
    const login = person("dan", { email: "dan@acme.test", email_verified: true, name: "Dan", groups: [] });
    const id = (await me((await ssoSignIn(login)).cookie)).body!.userId;
    await t.prisma.user.update({ where: { id }, data: { deactivatedAt: new Date() } });
    const again = await ssoSignIn(login);
    expect(again.landed.searchParams.get("error")).toBe("sso_deactivated");
    expect((await me(again.cookie)).status).toBe(401);
  });
});

describe("linking rules (the domain service against the same database)", () => {
  const settings = (over: Partial<OidcSettings> = {}): OidcSettings => ({
    issuer: "https://other-idp.test",
    clientId: "x",
    clientSecret: "y",
    displayName: "SSO",
    scopes: "openid email",
    allowedDomains: [],
    roleClaim: "roles",
    roleMap: [{ value: "boss", role: "admin" }],
    autoCreate: true,
    ...over,
  });

  it("with auto-create off, only existing users may sign in", async () => {
    const refused = await resolveSsoUser({ sub: "s-1", email: "newcomer@acme.test", email_verified: true }, "https://other-idp.test", settings({ autoCreate: false }));
    expect(refused).toEqual({ ok: false, reason: "not_invited" });
    expect(await t.prisma.user.findUnique({ where: { email: "newcomer@acme.test" } })).toBeNull();
    const existing = await resolveSsoUser({ sub: "s-2", email: "supervisor@throughline.test", email_verified: true }, "https://other-idp.test", settings({ autoCreate: false }));
    expect(existing).toMatchObject({ ok: true, outcome: "linked", viewer: { role: "supervisor" } });
  });

  it("an email already linked to another account is not relinked", async () => {
    const result = await resolveSsoUser({ sub: "someone-else", email: "supervisor@throughline.test", email_verified: true }, "https://other-idp.test", settings());
    expect(result).toEqual({ ok: false, reason: "linked_elsewhere" });
  });

  it("a missing email is refused", async () => {
    expect(await resolveSsoUser({ sub: "s-3" }, "https://other-idp.test", settings())).toEqual({ ok: false, reason: "no_email" });
  });

  it("the last active admin is not demoted by a claim; the sign-in still succeeds", async () => {
    const admins = await t.prisma.user.findMany({ where: { role: "admin", deactivatedAt: null } });
    // Leave exactly one active admin, the seeded one.
    for (const a of admins.filter((a) => a.email !== "admin@throughline.test")) await t.prisma.user.update({ where: { id: a.id }, data: { role: "agent" } });
    const result = await resolveSsoUser({ sub: "s-admin", email: "admin@throughline.test", email_verified: true, roles: [] }, "https://other-idp.test", settings({ roleMap: [{ value: "*", role: "agent" }] }));
    expect(result).toMatchObject({ ok: true, viewer: { role: "admin" } });
    expect((await t.prisma.user.findUniqueOrThrow({ where: { email: "admin@throughline.test" } })).role).toBe("admin");
  });
});

describe("the login page", () => {
  it("shows the single sign-on button only when it is configured", async () => {
    plain = await startAppServer({ databaseUrl: t.url });
    const without = await (await fetch(`${plain.url}/login`)).text();
    expect(without).toContain("Sign in to Throughline");
    // No button (the message template itself ships in the page's messages, so look for rendered text).
    expect(without).not.toMatch(/>Sign in with [^<{]*</);
    const withSso = await (await fetch(`${app.url}/login`)).text();
    expect(withSso).toContain("Sign in with Acme ID");
    await plain.stop();
  });

  it("in Chromium: the button goes to the provider, its pages sign in, the console opens", async () => {
    const login = person("bea", { email: "bea@acme.test", email_verified: true, name: "Bea Browser", groups: ["helpdesk-admins"] });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${app.url}/login?callbackUrl=%2Finbox`);
      await page.getByRole("button", { name: "Sign in with Acme ID" }).click();
      await page.waitForURL((u) => u.origin === issuer);
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill("any");
      await page.getByRole("button", { name: "Sign-in" }).click();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.waitForURL((u) => u.origin === app.url && u.pathname === "/inbox");
      const cookies = await page.context().cookies(app.url);
      const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      expect((await me(cookie)).body).toMatchObject({ email: "bea@acme.test", role: "admin", name: "Bea Browser" });

      // A refusal comes back to the login page with its message, announced.
      // A fresh profile: neither the app's nor the provider's session from above.
      const other = await (await browser.newContext()).newPage();
      const outsider = person("olga", { email: "olga@elsewhere.test", email_verified: true, name: "Olga", groups: [] });
      await other.goto(`${app.url}/login`);
      await other.getByRole("button", { name: "Sign in with Acme ID" }).click();
      await other.waitForURL((u) => u.origin === issuer);
      await other.locator('input[name="login"]').fill(outsider);
      await other.locator('input[name="password"]').fill("any");
      await other.getByRole("button", { name: "Sign-in" }).click();
      await other.getByRole("button", { name: "Continue" }).click();
      await other.waitForURL((u) => u.origin === app.url && u.pathname === "/login");
      expect(new URL(other.url()).searchParams.get("error")).toBe("sso_domain");
      // (Next's route announcer is an alert too: pick ours by its text.)
      await other.getByRole("alert").filter({ hasText: "Your email address is not in a domain allowed to sign in here" }).waitFor();
      expect(await seriousAxeViolations(other, "login with a single sign-on refusal")).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
