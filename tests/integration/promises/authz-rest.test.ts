// Authorization of every HTTP route, generated from the filesystem: each
// `src/app/api/**/route.ts` method (and the custom server's own routes) must
// be declared in ROUTES with its guard, so a new route without a decision —
// or a stale entry — fails here. Every guarded route is then probed on one
// real app server with no credentials, wrong credentials and right ones; and
// team scoping, roles, API-key scopes and revocation are checked where they
// apply. tRPC procedures one by one: tests/unit/promises/authz-procedures.test.ts.
import fs from "node:fs";
import path from "node:path";
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";
import { createApiKey, revokeApiKey } from "@/server/api-keys/keys";
import { createSurvey } from "@/server/surveys/service";
import { signAttachment } from "@/server/channels/widget/identity";
import { handMadeVisitorToken, TINY_PNG } from "../../fixtures/widget/visitor";
import { deriveSecret } from "@/server/security/secrets";
import { imageProxyUrl } from "@/server/images/proxy-url";
import http from "node:http";
import { metaSignature, xSignature } from "@/server/channels/social/signature";
import { routeKeys } from "@/server/http/app";

type Role = "admin" | "supervisor" | "agent";
type Guard =
  /** The console's next-auth session cookie. */
  | { kind: "session" }
  | { kind: "session+role"; roles: Role[] }
  | { kind: "apiKey"; scope: "customers:read" | "events:write" }
  /** The platform's HMAC (or shared secret header) over the raw body. */
  | { kind: "webhook-signature" }
  /** The platform's subscription handshake (hub.verify_token). */
  | { kind: "webhook-handshake" }
  /** The email inbox's bearer token (the env variable named by the inbox). */
  | { kind: "inbox-token" }
  /** A survey link: "<id>.<expiry>.<HMAC>" in the path. */
  | { kind: "signed-token" }
  /** A signed, expiring link (?e=&s=) handed out with the visitor's own messages. */
  | { kind: "signed-link" }
  /** "Authorization: Bearer <visitorId>.<visitor token>". */
  | { kind: "visitor-token" }
  /** "Authorization: Bearer <METRICS_TOKEN>" (a Prometheus scraper). */
  | { kind: "metrics-token" }
  | { kind: "public"; reason: string };

type Cred = "none" | "wrong" | "right";
type Probe = (cred: Cred) => Promise<Response>;
type Entry = { guard: Guard; probe: Probe; ok: number };

let t: TestDatabase;
let app: AppServer;
const cookies: Record<"admin" | "supervisor" | "agent" | "jonas", string> = { admin: "", supervisor: "", agent: "", jonas: "" };
let forgedCookie: string;
const keys: Record<"read" | "write" | "revoked" | "none", string> = { read: "", write: "", revoked: "", none: "" };
let supportAttachment: string;
let billingAttachment: string;
let billingConversation: string;
let widgetAttachment: string;
let customerId: string;
let customerEmail: string;
let surveyGetToken: string;
let surveyPostToken: string;
let surveyIdForForgery: string;
let articleId: string;
let draftArticleId: string;
const visitorId = "0123456789abcdef0123456789abcdef";

const WRONG_SECRET = "not-the-server-secret";
const UUID0 = "00000000-0000-7000-8000-000000000000";
const METRICS_TOKEN = "test-metrics-token-0123456789";

function req(p: string, init: RequestInit = {}) {
  return fetch(`${app.url}${p}`, { redirect: "manual", ...init });
}
type HeaderMap = Record<string, string>;
function cookieFor(cred: Cred, right = cookies.admin): HeaderMap {
  return cred === "none" ? {} : { cookie: cred === "wrong" ? forgedCookie : right };
}
function bearer(cred: Cred, right: string, wrong: string): HeaderMap {
  return cred === "none" ? {} : { authorization: `Bearer ${cred === "wrong" ? wrong : right}` };
}
const apiKey = (cred: Cred, right: string): HeaderMap => bearer(cred, right, "tl_not_a_real_key_0123456789");
const json = (body: unknown) => ({ "content-type": "application/json", body: JSON.stringify(body) });
function post(p: string, headers: Record<string, string>, body: string) {
  return req(p, { method: "POST", headers, body });
}

/** Signs a survey token with any secret (the real one lives in the server). */
function surveyToken(id: string, secret: string) {
  const payload = `${id}.${Math.floor((Date.now() + 86_400_000) / 1000).toString(36)}`;
  return `${payload}.${createHmac("sha256", secret).update(`survey:${payload}`).digest("base64url").slice(0, 32)}`;
}
// Links are signed with the attachment-links key derived from the root (the server's, or a wrong one).
function signedLink(id: string, root: string, expires = Math.floor(Date.now() / 1000) + 3600) {
  return `/api/widget/attachments/${id}?e=${expires}&s=${signAttachment(id, expires, deriveSecret(root, "attachment-links"))}`;
}

// A stand-in for a remote image host (reached through OUTBOUND_ALLOWLIST).
const imageHost = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "image/png" });
  res.end(TINY_PNG);
});

const EMAIL = ["From: Authz Tester <authz@example.test>", "To: support@throughline.test", "Subject: authz probe", `Message-ID: <${randomUUID()}@example.test>`, "", "Hello."].join("\r\n");
const META_BODY = JSON.stringify({ object: "page", entry: [{ id: "999999999999999", time: 1, messaging: [] }] });
const WHATSAPP_BODY = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "999", changes: [] }] });
const X_BODY = JSON.stringify({ for_user_id: "999999999999999999" });
const TELEGRAM_BODY = JSON.stringify({ update_id: 1 });

function metaPost(p: string, body: string): Probe {
  return (cred) =>
    post(p, { "content-type": "application/json", ...(cred === "none" ? {} : { "x-hub-signature-256": metaSignature(body, cred === "right" ? TEST_SECRETS.META_APP_SECRET : WRONG_SECRET) }) }, body);
}
function metaHandshake(p: string): Probe {
  return (cred) =>
    req(cred === "none" ? p : `${p}?hub.mode=subscribe&hub.challenge=challenge-42&hub.verify_token=${cred === "right" ? TEST_SECRETS.META_VERIFY_TOKEN : WRONG_SECRET}`);
}
const preflight = (p: string): Probe => () => req(p, { method: "OPTIONS", headers: { origin: "https://shop.example", "access-control-request-method": "POST" } });

// Every (method, route) of the app. A route present in src/app/api but absent
// here fails the suite: decide its guard before it ships.
const ROUTES: Record<string, Entry> = {
  "GET /api/image-proxy": {
    guard: { kind: "session" },
    ok: 200,
    probe: (c) => req(imageProxyUrl(`http://127.0.0.1:${(imageHost.address() as { port: number }).port}/pixel.png`), { headers: cookieFor(c) }),
  },
  "GET /api/attachments/[id]": { guard: { kind: "session" }, ok: 200, probe: (c) => req(`/api/attachments/${supportAttachment}`, { headers: cookieFor(c) }) },
  "GET /api/auth/[...nextauth]": {
    guard: { kind: "public", reason: "next-auth itself: CSRF token, providers, the session probe of a signed-out browser" },
    ok: 200,
    probe: () => req("/api/auth/csrf"),
  },
  "POST /api/auth/[...nextauth]": {
    guard: { kind: "public", reason: "the sign-in form posts here (CSRF token, per-account lockout, per-IP limit)" },
    ok: 200,
    probe: async () => {
      const res = await req("/api/auth/csrf");
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      return post("/api/auth/signout", { "content-type": "application/x-www-form-urlencoded", cookie }, new URLSearchParams({ csrfToken, json: "true" }).toString());
    },
  },
  "POST /api/inbound/email": {
    guard: { kind: "inbox-token" },
    ok: 202,
    probe: (c) => post("/api/inbound/email", { "content-type": "message/rfc822", ...bearer(c, TEST_SECRETS.DEMO_INBOX_TOKEN, "not-an-inbox-token") }, EMAIL),
  },
  "GET /api/metrics/export": {
    guard: { kind: "session+role", roles: ["supervisor", "admin"] },
    ok: 200,
    probe: (c) => req("/api/metrics/export", { headers: cookieFor(c, cookies.supervisor) }),
  },
  "GET /api/surveys/[token]": {
    guard: { kind: "signed-token" },
    ok: 200,
    probe: (c) => req(`/api/surveys/${c === "none" ? "no-token" : c === "wrong" ? surveyToken(surveyIdForForgery, WRONG_SECRET) : surveyGetToken}`),
  },
  "POST /api/surveys/[token]": {
    guard: { kind: "signed-token" },
    ok: 201,
    probe: (c) =>
      post(`/api/surveys/${c === "none" ? "no-token" : c === "wrong" ? surveyToken(surveyIdForForgery, WRONG_SECRET) : surveyPostToken}`, { "content-type": "application/json" }, JSON.stringify({ score: 5 })),
  },
  "GET /api/trpc/[trpc]": { guard: { kind: "session" }, ok: 200, probe: (c) => req("/api/trpc/me.get", { headers: cookieFor(c) }) },
  "POST /api/trpc/[trpc]": {
    guard: { kind: "session" },
    ok: 200,
    probe: (c) => post("/api/trpc/notification.markRead", { "content-type": "application/json", "x-throughline-csrf": "1", ...cookieFor(c) }, JSON.stringify({ json: {} })),
  },
  "GET /api/v1/conversations/[id]/fields": { guard: { kind: "apiKey", scope: "customers:read" }, ok: 200, probe: (c) => req(`/api/v1/conversations/${billingConversation}/fields`, { headers: apiKey(c, keys.read) }) },
  "PATCH /api/v1/conversations/[id]/fields": { guard: { kind: "apiKey", scope: "events:write" }, ok: 200, probe: (c) => req(`/api/v1/conversations/${billingConversation}/fields`, { method: "PATCH", headers: { "content-type": "application/json", ...apiKey(c, keys.write) }, body: JSON.stringify({ customFields: {} }) }) },
  "GET /api/v1/customers": {
    guard: { kind: "apiKey", scope: "customers:read" },
    ok: 200,
    probe: (c) => req(`/api/v1/customers?email=${encodeURIComponent(customerEmail)}`, { headers: apiKey(c, keys.read) }),
  },
  "GET /api/v1/customers/[id]": { guard: { kind: "apiKey", scope: "customers:read" }, ok: 200, probe: (c) => req(`/api/v1/customers/${customerId}`, { headers: apiKey(c, keys.read) }) },
  "GET /api/v1/customers/[id]/timeline": {
    guard: { kind: "apiKey", scope: "customers:read" },
    ok: 200,
    probe: (c) => req(`/api/v1/customers/${customerId}/timeline?limit=5`, { headers: apiKey(c, keys.read) }),
  },
  "POST /api/v1/events": {
    guard: { kind: "apiKey", scope: "events:write" },
    ok: 202,
    probe: (c) => {
      const { body, ...h } = json({ customer: { email: customerEmail }, name: "authz_probe" });
      return post("/api/v1/events", { ...h, ...apiKey(c, keys.write) }, body);
    },
  },
  "POST /api/v1/identify": {
    guard: { kind: "apiKey", scope: "events:write" },
    ok: 200,
    probe: (c) => {
      const { body, ...h } = json({ customer: { email: customerEmail } });
      return post("/api/v1/identify", { ...h, ...apiKey(c, keys.write) }, body);
    },
  },
  "GET /api/v1/openapi.json": { guard: { kind: "public", reason: "the REST API's OpenAPI document: integrators read it before they have a key" }, ok: 200, probe: () => req("/api/v1/openapi.json") },
  "GET /api/docs/reference.js": { guard: { kind: "public", reason: "the API reference's renderer script (a vendored static bundle, no data)" }, ok: 200, probe: () => req("/api/docs/reference.js") },
  "GET /api/webhooks/meta": { guard: { kind: "webhook-handshake" }, ok: 200, probe: metaHandshake("/api/webhooks/meta") },
  "POST /api/webhooks/meta": { guard: { kind: "webhook-signature" }, ok: 200, probe: metaPost("/api/webhooks/meta", META_BODY) },
  "POST /api/webhooks/telegram": {
    guard: { kind: "webhook-signature" },
    ok: 200,
    probe: (c) =>
      post("/api/webhooks/telegram", { "content-type": "application/json", ...(c === "none" ? {} : { "x-telegram-bot-api-secret-token": c === "right" ? TEST_SECRETS.TELEGRAM_WEBHOOK_SECRET : WRONG_SECRET }) }, TELEGRAM_BODY),
  },
  "GET /api/webhooks/whatsapp": { guard: { kind: "webhook-handshake" }, ok: 200, probe: metaHandshake("/api/webhooks/whatsapp") },
  "POST /api/webhooks/whatsapp": { guard: { kind: "webhook-signature" }, ok: 200, probe: metaPost("/api/webhooks/whatsapp", WHATSAPP_BODY) },
  "GET /api/webhooks/x": {
    guard: { kind: "public", reason: "X's CRC challenge: X calls it unauthenticated and expects HMAC(crc_token) back" },
    ok: 200,
    probe: () => req("/api/webhooks/x?crc_token=NjA2OTY4NTU3OTk4NDQ2NDY0"),
  },
  "POST /api/webhooks/x": {
    guard: { kind: "webhook-signature" },
    ok: 200,
    probe: (c) =>
      post("/api/webhooks/x", { "content-type": "application/json", ...(c === "none" ? {} : { "x-twitter-webhooks-signature": xSignature(X_BODY, c === "right" ? TEST_SECRETS.X_CONSUMER_SECRET : WRONG_SECRET) }) }, X_BODY),
  },
  "GET /api/widget/articles": { guard: { kind: "public", reason: "published help-center articles, as public as /help" }, ok: 200, probe: () => req("/api/widget/articles?inbox=demo-widget") },
  "OPTIONS /api/widget/articles": { guard: { kind: "public", reason: "CORS preflight for embedding sites; no body" }, ok: 204, probe: preflight("/api/widget/articles") },
  "GET /api/widget/articles/[id]": { guard: { kind: "public", reason: "one published article, as public as /help" }, ok: 200, probe: () => req(`/api/widget/articles/${articleId}`) },
  "OPTIONS /api/widget/articles/[id]": { guard: { kind: "public", reason: "CORS preflight; no body" }, ok: 204, probe: () => preflight(`/api/widget/articles/${articleId}`)("none") },
  "POST /api/widget/articles/[id]/view": {
    guard: { kind: "visitor-token" },
    ok: 202,
    probe: (c) =>
      post(
        `/api/widget/articles/${articleId}/view`,
        { "content-type": "application/json", ...bearer(c, `${visitorId}.${handMadeVisitorToken(visitorId, TEST_SECRETS.NEXTAUTH_SECRET)}`, `${visitorId}.${handMadeVisitorToken(visitorId, WRONG_SECRET)}`) },
        JSON.stringify({ inbox: "demo-widget" }),
      ),
  },
  "OPTIONS /api/widget/articles/[id]/view": { guard: { kind: "public", reason: "CORS preflight; no body" }, ok: 204, probe: () => preflight(`/api/widget/articles/${articleId}/view`)("none") },
  "GET /api/widget/attachments/[id]": {
    guard: { kind: "signed-link" },
    ok: 200,
    probe: (c) => req(c === "none" ? `/api/widget/attachments/${widgetAttachment}` : signedLink(widgetAttachment, c === "right" ? TEST_SECRETS.NEXTAUTH_SECRET : WRONG_SECRET)),
  },
  "GET /api/widget/config": { guard: { kind: "public", reason: "the widget's public look (name, colour, greeting); no secrets" }, ok: 200, probe: () => req("/api/widget/config?inbox=demo-widget") },
  "OPTIONS /api/widget/config": { guard: { kind: "public", reason: "CORS preflight; no body" }, ok: 204, probe: preflight("/api/widget/config") },
  "GET /metrics": { guard: { kind: "metrics-token" }, ok: 200, probe: (c) => req("/metrics", { headers: bearer(c, METRICS_TOKEN, "not-the-metrics-token-000") }) },
  // Answered by the custom server (src/server/app/start.ts) before Next.
  "ANY /api/health": { guard: { kind: "public", reason: "readiness probe for load balancers and CI; reveals only up/down" }, ok: 200, probe: () => req("/api/health") },
};

/** What a request without (or with wrong) credentials gets, per guard kind. */
const REFUSAL: Record<Exclude<Guard["kind"], "public">, number> = {
  session: 401,
  "session+role": 401,
  apiKey: 401,
  "webhook-signature": 401,
  "webhook-handshake": 403,
  "inbox-token": 401,
  "signed-token": 404,
  "signed-link": 403,
  "visitor-token": 401,
  "metrics-token": 401,
};

// ---- the routes that exist, read from the source -------------------------------------------

const ROOT = path.resolve(import.meta.dirname, "../../..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : /^route\.(ts|tsx|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** The HTTP methods a route module exports (function, const or `export { x as GET }`). */
export function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  const alt = METHODS.join("|");
  for (const m of source.matchAll(new RegExp(`export\\s+(?:async\\s+)?function\\s+(${alt})\\b`, "g"))) found.add(m[1]!);
  for (const m of source.matchAll(new RegExp(`export\\s+(?:const|let|var)\\s+(${alt})\\b`, "g"))) found.add(m[1]!);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()!.trim();
      if (METHODS.includes(name)) found.add(name);
    }
  }
  return [...found].sort();
}

function filesystemRoutes(): string[] {
  const appDir = path.join(ROOT, "src/app");
  const out: string[] = [];
  for (const file of routeFiles(path.join(appDir, "api"))) {
    const route = "/" + path.relative(appDir, path.dirname(file)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s)).join("/");
    for (const method of exportedMethods(fs.readFileSync(file, "utf8"))) out.push(`${method} ${route}`);
  }
  // The lean HTTP layer (src/server/http/app.ts) serves the API ahead of Next.
  const lean = routeKeys();
  const twice = lean.filter((k) => out.includes(k));
  if (twice.length) throw new Error(`routes served twice (lean layer and a Next route file): ${twice.join(", ")}`);
  out.push(...lean);
  // The custom server answers some paths itself, for every method.
  for (const file of fs.readdirSync(path.join(ROOT, "src/server/app")).filter((f) => f.endsWith(".ts"))) {
    const src = fs.readFileSync(path.join(ROOT, "src/server/app", file), "utf8");
    for (const m of src.matchAll(/req\.url\s*===\s*["'`](\/[^"'`?]*)["'`]/g)) out.push(`ANY ${m[1]}`);
  }
  return [...new Set(out)].sort();
}

const table = Object.keys(ROUTES).sort();
const guarded = table.filter((k) => ROUTES[k]!.guard.kind !== "public");
const publicRoutes = table.filter((k) => ROUTES[k]!.guard.kind === "public");

describe("the route table matches the source", () => {
  it("parses every export style route handlers use", () => {
    expect(exportedMethods("export async function GET() {}\nexport const OPTIONS = preflight;\nexport { handler as POST, other as PUT };")).toEqual(["GET", "OPTIONS", "POST", "PUT"]);
  });

  it("every route in src/app/api (and the custom server) has a declared guard", () => {
    const missing = filesystemRoutes().filter((r) => !(r in ROUTES));
    expect(missing, `new route(s) without a guard decision — add them to ROUTES: ${missing.join(", ")}`).toEqual([]);
  });

  it("every declared route still exists", () => {
    const present = new Set(filesystemRoutes());
    const stale = table.filter((r) => !present.has(r));
    expect(stale, `ROUTES entries whose route is gone: ${stale.join(", ")}`).toEqual([]);
  });

  it("public routes say why", () => {
    for (const k of publicRoutes) expect((ROUTES[k]!.guard as { reason: string }).reason.length, k).toBeGreaterThan(10);
  });
});

// ---- the running app --------------------------------------------------------------------------

beforeAll(async () => {
  t = await useTestDatabase();
  process.env.NEXTAUTH_SECRET = TEST_SECRETS.NEXTAUTH_SECRET;
  await new Promise<void>((resolve) => imageHost.listen(0, "127.0.0.1", resolve));
  app = await startAppServer({ databaseUrl: t.url, env: { OUTBOUND_ALLOWLIST: "127.0.0.1/32", METRICS_TOKEN } });
  // The hand-made visitor tokens below are generation 1 of this visitor.
  await t.prisma.widgetVisitorToken.create({ data: { visitorId, generation: 1, rotatedAt: new Date() } });
  for (const [name, email] of [
    ["admin", "admin@throughline.test"],
    ["supervisor", "supervisor@throughline.test"],
    ["agent", "agent@throughline.test"],
    ["jonas", "jonas.becker@throughline.test"],
  ] as const) {
    const s = await signIn(app.url, email);
    expect(s.ok, `${email} signs in`).toBe(true);
    cookies[name] = s.cookie;
  }
  const admin = await t.prisma.user.findUniqueOrThrow({ where: { email: "admin@throughline.test" } });
  // A well-formed session token for the admin, encrypted with the wrong secret.
  forgedCookie = `next-auth.session-token=${await encode({ token: { sub: admin.id, uid: admin.id, role: "admin", email: admin.email }, secret: WRONG_SECRET })}`;

  keys.read = (await createApiKey({ name: "authz read", scopes: ["customers:read"] })).key;
  keys.write = (await createApiKey({ name: "authz write", scopes: ["events:write"] })).key;
  keys.none = (await createApiKey({ name: "authz no scopes", scopes: [] })).key;
  // Revoked before the server ever saw it (its verified-key cache is covered below).
  const revoked = await createApiKey({ name: "authz revoked", scopes: ["*"] });
  await revokeApiKey(revoked.id);
  keys.revoked = revoked.key;

  const inbox = (publicId: string) => t.prisma.inbox.findUniqueOrThrow({ where: { publicId } });
  const [support, billing, chat] = await Promise.all([inbox("support@throughline.test"), inbox("billing@throughline.test"), inbox("demo-widget")]);
  const message = (inboxId: string) => t.prisma.message.findFirstOrThrow({ where: { inboxId, isNote: false, deletedAt: null }, select: { id: true, conversationId: true } });
  const [supportMsg, billingMsg, chatMsg] = await Promise.all([message(support.id), message(billing.id), message(chat.id)]);
  billingConversation = billingMsg.conversationId;
  const attach = async (messageId: string, filename: string) =>
    (await t.prisma.attachment.create({ data: { messageId, filename, contentType: "application/pdf", size: 8, data: new Uint8Array(Buffer.from("%PDF-1.4")) } })).id;
  supportAttachment = await attach(supportMsg.id, "support.pdf");
  billingAttachment = await attach(billingMsg.id, "billing-invoice.pdf");
  widgetAttachment = await attach(chatMsg.id, "chat.pdf");

  const identity = await t.prisma.customerIdentity.findFirstOrThrow({ where: { kind: "email" }, orderBy: { value: "asc" } });
  customerId = identity.customerId;
  customerEmail = identity.value;
  surveyGetToken = (await createSurvey({ kind: "csat", customerId, channel: "email" })).token;
  surveyPostToken = (await createSurvey({ kind: "csat", customerId, channel: "email" })).token;
  surveyIdForForgery = (await createSurvey({ kind: "csat", customerId, channel: "email" })).id;

  articleId = (await t.prisma.article.findFirstOrThrow({ where: { status: "published" } })).id;
  draftArticleId = (
    await t.prisma.article.create({ data: { slug: `draft-${randomUUID()}`, title: "Unreleased pricing", category: "Billing", body: "Secret pricing draft", status: "draft" } })
  ).id;
});

afterAll(async () => {
  const { disconnectDb } = await import("@/server/db");
  await disconnectDb();
  await app?.stop();
  imageHost.close();
  await t?.drop();
});

describe("every guarded route", () => {
  it.each(guarded)("%s refuses a request without credentials", async (key) => {
    const { guard, probe } = ROUTES[key]!;
    const res = await probe("none");
    expect(res.status).toBe(REFUSAL[guard.kind as keyof typeof REFUSAL]);
  });

  it.each(guarded)("%s refuses wrong credentials (forged cookie, unknown key, wrong secret)", async (key) => {
    const { guard, probe } = ROUTES[key]!;
    const res = await probe("wrong");
    expect(res.status).toBe(REFUSAL[guard.kind as keyof typeof REFUSAL]);
  });

  // Proves the refusals above come from the guard, not from a broken probe.
  it.each(guarded)("%s answers the right credentials", async (key) => {
    const { probe, ok } = ROUTES[key]!;
    const res = await probe("right");
    expect(res.status, await res.clone().text()).toBe(ok);
  });
});

describe("every public route", () => {
  it.each(publicRoutes)("%s answers without credentials", async (key) => {
    const { probe, ok } = ROUTES[key]!;
    const res = await probe("none");
    expect(res.status).toBe(ok);
  });

  it("the widget's public routes reveal no draft article and no non-chat inbox", async () => {
    const draft = await req(`/api/widget/articles/${draftArticleId}`);
    const missing = await req(`/api/widget/articles/${randomUUID()}`);
    expect(draft.status).toBe(404);
    expect(await draft.text()).toBe(await missing.text());
    const list = (await (await req("/api/widget/articles?inbox=demo-widget&q=pricing&limit=20")).json()) as { items: { id: string }[] };
    expect(list.items.map((a) => a.id)).not.toContain(draftArticleId);
    // An email inbox's address is not a widget id: same answer as an unknown one.
    const email = await req("/api/widget/config?inbox=billing%40throughline.test");
    const unknown = await req("/api/widget/config?inbox=no-such-widget");
    expect(email.status).toBe(404);
    expect(await email.text()).toBe(await unknown.text());
  });
});

/** Status and body, the body with nothing that varies by request. */
async function answer(res: Response) {
  return { status: res.status, body: await res.text() };
}

describe("team scoping: another team's record looks exactly like no record", () => {
  it("attachments: an agent gets the same 404 for Billing's file as for a nonexistent id", async () => {
    const foreign = await answer(await req(`/api/attachments/${billingAttachment}`, { headers: { cookie: cookies.agent } }));
    const nonexistent = await answer(await req(`/api/attachments/${randomUUID()}`, { headers: { cookie: cookies.agent } }));
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(nonexistent);
    // The file is there: the admin and a Billing-team supervisor get it, the agent gets their own team's.
    expect((await req(`/api/attachments/${billingAttachment}`, { headers: { cookie: cookies.admin } })).status).toBe(200);
    expect((await req(`/api/attachments/${billingAttachment}`, { headers: { cookie: cookies.supervisor } })).status).toBe(200);
    expect((await req(`/api/attachments/${supportAttachment}`, { headers: { cookie: cookies.agent } })).status).toBe(200);
  });

  it("tRPC over HTTP: another team's conversation answers like a random id", async () => {
    const get = async (id: string, cookie: string) =>
      answer(await req(`/api/trpc/conversation.get?input=${encodeURIComponent(JSON.stringify({ json: { id } }))}`, { headers: { cookie } }));
    const foreign = await get(billingConversation, cookies.agent);
    const nonexistent = await get(randomUUID(), cookies.agent);
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(nonexistent);
    expect((await get(billingConversation, cookies.admin)).status).toBe(200);
  });
});

// Every route with an id in its path, generated from ROUTES: each is called with ids the caller
// may not see (another team's file, an erased customer, a draft, a note's attachment) and with a
// random uuid, the same credentials otherwise; status and body must be identical. A new
// `[id]` route without an entry here fails.
type IdProbe = { why: string; hidden: () => string; call: (id: string) => Promise<Response> };
const visitorAuth = () => ({ authorization: `Bearer ${visitorId}.${handMadeVisitorToken(visitorId, TEST_SECRETS.NEXTAUTH_SECRET)}` });
let erasedCustomer: string;
let noteAttachment: string;
const ID_ROUTES: Record<string, IdProbe[]> = {
  "GET /api/v1/conversations/[id]/fields": [{ why: "a key without customers:read", hidden: () => billingConversation, call: (id) => req(`/api/v1/conversations/${id}/fields`, { headers: apiKey("right", keys.write) }) }],
  "PATCH /api/v1/conversations/[id]/fields": [{ why: "a key without events:write", hidden: () => billingConversation, call: (id) => req(`/api/v1/conversations/${id}/fields`, { method: "PATCH", headers: { "content-type": "application/json", ...apiKey("right", keys.read) }, body: JSON.stringify({ customFields: {} }) }) }],
  "GET /api/attachments/[id]": [{ why: "an agent, Billing's file", hidden: () => billingAttachment, call: (id) => req(`/api/attachments/${id}`, { headers: { cookie: cookies.agent } }) }],
  "GET /api/v1/customers/[id]": [
    { why: "an erased customer", hidden: () => erasedCustomer, call: (id) => req(`/api/v1/customers/${id}`, { headers: apiKey("right", keys.read) }) },
    { why: "a key without customers:read", hidden: () => customerId, call: (id) => req(`/api/v1/customers/${id}`, { headers: apiKey("right", keys.write) }) },
  ],
  "GET /api/v1/customers/[id]/timeline": [
    { why: "an erased customer", hidden: () => erasedCustomer, call: (id) => req(`/api/v1/customers/${id}/timeline?limit=5`, { headers: apiKey("right", keys.read) }) },
    { why: "a key without customers:read", hidden: () => customerId, call: (id) => req(`/api/v1/customers/${id}/timeline`, { headers: apiKey("right", keys.write) }) },
    { why: "another customer's conversation as the filter", hidden: () => billingConversation, call: (id) => req(`/api/v1/customers/${customerId}/timeline?conversationId=${id}`, { headers: apiKey("right", keys.read) }) },
  ],
  "GET /api/widget/articles/[id]": [{ why: "a draft", hidden: () => draftArticleId, call: (id) => req(`/api/widget/articles/${id}`) }],
  "OPTIONS /api/widget/articles/[id]": [{ why: "a draft", hidden: () => draftArticleId, call: (id) => preflight(`/api/widget/articles/${id}`)("none") }],
  "POST /api/widget/articles/[id]/view": [
    {
      why: "a visitor, a draft",
      hidden: () => draftArticleId,
      call: (id) => post(`/api/widget/articles/${id}/view`, { "content-type": "application/json", ...visitorAuth() }, JSON.stringify({ inbox: "demo-widget" })),
    },
  ],
  "OPTIONS /api/widget/articles/[id]/view": [{ why: "a draft", hidden: () => draftArticleId, call: (id) => preflight(`/api/widget/articles/${id}/view`)("none") }],
  "GET /api/widget/attachments/[id]": [
    { why: "a correctly signed link to an internal note's file", hidden: () => noteAttachment, call: (id) => req(signedLink(id, TEST_SECRETS.NEXTAUTH_SECRET)) },
    { why: "an unsigned link to a visitor's file", hidden: () => widgetAttachment, call: (id) => req(`/api/widget/attachments/${id}`) },
  ],
};

describe("every route with an id: a hidden id answers exactly as a random one", () => {
  beforeAll(async () => {
    erasedCustomer = (await t.prisma.customer.create({ data: { name: null, erasedAt: new Date() } })).id;
    const chatMessage = await t.prisma.message.findFirstOrThrow({ where: { inbox: { publicId: "demo-widget" }, isNote: false } });
    const note = await t.prisma.message.create({ data: { conversationId: chatMessage.conversationId, inboxId: chatMessage.inboxId, direction: "outbound", isNote: true, bodyText: "internal" } });
    noteAttachment = (await t.prisma.attachment.create({ data: { messageId: note.id, filename: "note.png", contentType: "image/png", size: 8, data: new Uint8Array(8) } })).id;
  });

  it("every [id] route has probes", () => {
    const withId = Object.keys(ROUTES).filter((k) => /\[(id|\w+Id)\]/.test(k));
    expect(withId.filter((k) => !ID_ROUTES[k]?.length)).toEqual([]);
    expect(Object.keys(ID_ROUTES).filter((k) => !ROUTES[k])).toEqual([]);
  });

  it.each(Object.entries(ID_ROUTES).flatMap(([route, probes]) => probes.map((p) => [route, p.why, p] as const)))("%s (%s)", async (_route, _why, probe) => {
    const random = randomUUID();
    const hiddenId = probe.hidden();
    const never = await answer(await probe.call(random));
    const hidden = await answer(await probe.call(hiddenId));
    expect({ status: hidden.status, body: hidden.body.split(hiddenId).join("<id>") }).toEqual({ status: never.status, body: never.body.split(random).join("<id>") });
    expect(never.status).toBeGreaterThanOrEqual(200);
  });
});

describe("roles", () => {
  it("metrics export: agents 403, supervisors and admins get the CSV", async () => {
    const agent = await req("/api/metrics/export", { headers: { cookie: cookies.agent } });
    expect(agent.status).toBe(403);
    expect(agent.headers.get("content-type")).not.toContain("text/csv");
    expect(((await agent.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    for (const cookie of [cookies.supervisor, cookies.admin]) {
      const res = await req("/api/metrics/export", { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/csv");
    }
  });

  it("admin-only settings over tRPC: agents and supervisors 403, admins 200", async () => {
    for (const proc of ["settings.agents", "settings.teams"]) {
      expect((await req(`/api/trpc/${proc}`, { headers: { cookie: cookies.agent } })).status, `${proc} agent`).toBe(403);
      expect((await req(`/api/trpc/${proc}`, { headers: { cookie: cookies.supervisor } })).status, `${proc} supervisor`).toBe(403);
      expect((await req(`/api/trpc/${proc}`, { headers: { cookie: cookies.admin } })).status, `${proc} admin`).toBe(200);
    }
  });

  it("a cookie-authenticated tRPC mutation without the CSRF header is refused before the session is even used", async () => {
    const res = await post("/api/trpc/notification.markRead", { "content-type": "application/json", cookie: cookies.admin }, JSON.stringify({ json: {} }));
    expect(res.status).toBe(403);
  });

  it("a deactivated user's still-valid session cookie is refused at once", async () => {
    const me = () => req("/api/trpc/me.get", { headers: { cookie: cookies.jonas } });
    expect((await me()).status).toBe(200);
    await t.prisma.user.update({ where: { email: "jonas.becker@throughline.test" }, data: { deactivatedAt: new Date() } });
    try {
      expect((await me()).status).toBe(401);
      expect((await req(`/api/attachments/${supportAttachment}`, { headers: { cookie: cookies.jonas } })).status).toBe(401);
    } finally {
      await t.prisma.user.update({ where: { email: "jonas.becker@throughline.test" }, data: { deactivatedAt: null } });
    }
  });
});

const API_ROUTES = guarded.filter((k) => ROUTES[k]!.guard.kind === "apiKey");

describe("API keys: scoped and revocable", () => {
  function withKey(key: string, route: string): Promise<Response> {
    const scope = (ROUTES[route]!.guard as { scope: string }).scope;
    if (scope === "events:write") {
      return post("/api/v1/events", { "content-type": "application/json", authorization: `Bearer ${key}` }, JSON.stringify({ customer: { email: customerEmail }, name: "authz_scope" }));
    }
    const p = route.replace("GET ", "").replace("[id]", customerId);
    return req(p.endsWith("/customers") ? `${p}?email=${encodeURIComponent(customerEmail)}` : p, { headers: { authorization: `Bearer ${key}` } });
  }

  it.each(API_ROUTES)("%s: a revoked key gets 401, a key without the scope 403", async (route) => {
    const revoked = await withKey(keys.revoked, route);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    const scope = (ROUTES[route]!.guard as { scope: string }).scope;
    const other = scope === "events:write" ? keys.read : keys.write;
    for (const key of [keys.none, other]) {
      const res = await withKey(key, route);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
  });

  it("a key revoked while in use stops working (within the documented verification cache)", async () => {
    const { id, key } = await createApiKey({ name: "authz revoke in use", scopes: ["customers:read"] });
    const route = "GET /api/v1/customers/[id]";
    expect((await withKey(key, route)).status).toBe(200);
    await revokeApiKey(id);
    // The server remembers verified keys for up to 10 s (src/server/api-keys/keys.ts).
    await expect.poll(async () => (await withKey(key, route)).status, { timeout: 20_000, interval: 500 }).toBe(401);
  });
});

describe("webhooks, inbound email and signed links", () => {
  it("refused webhook deliveries store nothing", async () => {
    const before = await t.prisma.message.count();
    const body = JSON.stringify({
      object: "page",
      entry: [{ id: "100000000000001", time: Date.now(), messaging: [{ sender: { id: "7001" }, recipient: { id: "100000000000001" }, timestamp: Date.now(), message: { mid: `m_${randomUUID()}`, text: "forged" } }] }],
    });
    const res = await post("/api/webhooks/meta", { "content-type": "application/json", "x-hub-signature-256": metaSignature(body, WRONG_SECRET) }, body);
    expect(res.status).toBe(401);
    expect(await t.prisma.message.count()).toBe(before);
    // The same delivery, signed with the app secret, is stored: the refusal was the signature's.
    const signed = await post("/api/webhooks/meta", { "content-type": "application/json", "x-hub-signature-256": metaSignature(body, TEST_SECRETS.META_APP_SECRET) }, body);
    expect(signed.status).toBe(200);
    expect(await t.prisma.message.count()).toBe(before + 1);
  });

  it("the meta handshake echoes the challenge only for the right verify token", async () => {
    const wrong = await metaHandshake("/api/webhooks/meta")("wrong");
    expect(await wrong.text()).not.toContain("challenge-42");
    expect(await (await metaHandshake("/api/webhooks/meta")("right")).text()).toBe("challenge-42");
  });

  it("survey links: a forged signature answers exactly like garbage", async () => {
    const forged = await answer(await req(`/api/surveys/${surveyToken(surveyIdForForgery, WRONG_SECRET)}`));
    const garbage = await answer(await req("/api/surveys/garbage"));
    expect(forged.status).toBe(404);
    expect(forged).toEqual(garbage);
    const answered = await t.prisma.surveyResponse.count({ where: { surveyId: surveyIdForForgery } });
    expect(answered).toBe(0);
  });

  it("widget attachment links: only the exact signed, unexpired link of that attachment", async () => {
    const good = signedLink(widgetAttachment, TEST_SECRETS.NEXTAUTH_SECRET);
    expect((await req(good)).status).toBe(200);
    // A valid signature moved to another id (another visitor's upload, an agent-only file).
    const moved = good.replace(widgetAttachment, billingAttachment);
    expect((await req(moved)).status).toBe(403);
    const expired = signedLink(widgetAttachment, TEST_SECRETS.NEXTAUTH_SECRET, Math.floor(Date.now() / 1000) - 60);
    expect((await req(expired)).status).toBe(403);
    expect((await req(`/api/widget/attachments/${UUID0}?e=9999999999&s=AAAA`)).status).toBe(403);
  });

  it("the visitor-token route refuses another visitor's token", async () => {
    const other = "fedcba9876543210fedcba9876543210";
    const res = await post(
      `/api/widget/articles/${articleId}/view`,
      { "content-type": "application/json", authorization: `Bearer ${visitorId}.${handMadeVisitorToken(other, TEST_SECRETS.NEXTAUTH_SECRET)}` },
      JSON.stringify({ inbox: "demo-widget" }),
    );
    expect(res.status).toBe(401);
  });
});
