// Secrets never reach the logs, and session cookies carry the flags a browser
// needs to protect them. The app runs at debug log level while it is fed
// everything that tends to leak a secret into a log line: failed and
// successful sign-ins, wrong and revoked API keys, forged webhook signatures,
// SMTP mail, a database outage. Then every secret is searched for in its output.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import nodemailer from "nodemailer";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";
import { fixture } from "../../fixtures/social/load";

let t: TestDatabase;
let app: AppServer;
let https: AppServer;

const WRONG_PASSWORD = "Tr0ub4dor&3-wrong-guess";
const BOGUS_KEY = "tl_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0";

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { LOG_LEVEL: "debug" } });
});
afterAll(async () => {
  await app?.stop();
  await https?.stop();
  await t?.drop();
});

describe("secrets in logs", () => {
  it("no secret, password, API key, session token or database password appears in the output", async () => {
    // Sign-ins: wrong, then right.
    expect((await signIn(app.url, "agent@throughline.test", WRONG_PASSWORD)).ok).toBe(false);
    const session = await signIn(app.url, "agent@throughline.test");
    expect(session.ok).toBe(true);
    const token = /next-auth\.session-token=([^;]+)/.exec(session.cookie)![1]!;
    await fetch(`${app.url}/api/trpc/me.get`, { headers: { cookie: session.cookie } });

    // API keys: unknown, right.
    for (const key of [BOGUS_KEY, TEST_SECRETS.DEMO_API_KEY]) {
      await fetch(`${app.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ customer: { email: "hygiene@customer.test" }, name: "custom" }),
      });
    }
    // Webhooks: forged and genuine signatures, wrong Telegram secret, verification handshake.
    const body = JSON.stringify(fixture("messenger-text"));
    const good = `sha256=${createHmac("sha256", TEST_SECRETS.META_APP_SECRET).update(body).digest("hex")}`;
    for (const signature of ["sha256=" + "0".repeat(64), good]) {
      await fetch(`${app.url}/api/webhooks/meta`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body });
    }
    await fetch(`${app.url}/api/webhooks/telegram`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "not-the-secret" }, body: JSON.stringify(fixture("telegram-text")) });
    await fetch(`${app.url}/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=${TEST_SECRETS.META_VERIFY_TOKEN}&hub.challenge=12345`);
    await fetch(`${app.url}/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=12345`);
    // Mail.
    await nodemailer
      .createTransport({ host: "127.0.0.1", port: app.smtpPort, secure: false, ignoreTLS: true })
      .sendMail({ from: "ann@customer.test", to: "support@throughline.test", subject: "Hello", text: "Hi" });

    // A database outage makes every path log its error.
    const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${t.name}" WITH ALLOW_CONNECTIONS false`);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [t.name]);
      await fetch(`${app.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ customer: { email: "hygiene@customer.test" }, name: "custom" }),
      });
      await signIn(app.url, "agent@throughline.test");
      await fetch(`${app.url}/api/health`);
    } finally {
      await admin.query(`ALTER DATABASE "${t.name}" WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await new Promise((r) => setTimeout(r, 500));

    const logs = app.logs();
    // The paths above did log (so there was something to leak).
    expect(logs).toMatch(/\[webhooks\/meta\] rejected a delivery/);
    expect(logs).toMatch(/\[webhooks\/telegram\] rejected a delivery/);
    expect(logs).toMatch(/\[api\] database unavailable/);
    const dbPassword = decodeURIComponent(new URL(t.url).password);
    const secrets: Record<string, string> = {
      ...TEST_SECRETS,
      "the wrong password": WRONG_PASSWORD,
      "an unknown API key": BOGUS_KEY,
      "the session token": token,
      "the database URL with its password": `:${dbPassword}@`,
    };
    for (const [name, value] of Object.entries(secrets)) expect(logs.includes(value), `${name} appears in the logs`).toBe(false);
  });
});

describe("session cookie flags", () => {
  it("HttpOnly and SameSite=Lax on plain http; Secure with the __Secure- prefix behind https", async () => {
    const plain = await fetch(`${app.url}/api/auth/csrf`);
    const csrf = plain.headers.getSetCookie().find((c) => c.includes("csrf-token"))!;
    expect(csrf).toMatch(/HttpOnly/i);
    expect(csrf).toMatch(/SameSite=Lax/i);

    const sessionCookie = await sessionSetCookie(app.url);
    expect(sessionCookie).toMatch(/^next-auth\.session-token=/);
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);

    // Deployed behind TLS (PUBLIC_URL https): browsers only send it over https.
    https = await startAppServer({ databaseUrl: t.url, env: { PUBLIC_URL: "https://helpdesk.example.com" } });
    const secure = await sessionSetCookie(https.url);
    expect(secure).toMatch(/^__Secure-next-auth\.session-token=/);
    expect(secure).toMatch(/;\s*Secure/i);
    expect(secure).toMatch(/HttpOnly/i);
  });
});

/** The Set-Cookie header of the session cookie from a real credentials sign-in. */
async function sessionSetCookie(baseUrl: string): Promise<string> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  const jar = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, email: "agent@throughline.test", password: "throughline", json: "true" }),
  });
  const cookie = res.headers.getSetCookie().find((c) => /session-token=/.test(c));
  expect(cookie, "a session cookie is set").toBeTruthy();
  return cookie!;
}
