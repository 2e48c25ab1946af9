// Widget visitor tokens expire and rotate, and an inbox's allowed origins are
// enforced, against the real server (child process). The server runs with a
// 6 s grace (WIDGET_TOKEN_GRACE_MS), so "after the grace" is a short wait.
//
// - A fresh visitor gets a v2 token; reconnecting renews it (a new
//   generation) and the visitor keeps its conversation; once the grace has
//   passed the old token is refused on the socket and over HTTP.
// - Expired (past 24 h over HTTP, past 30 days anywhere), tampered and
//   forged-generation tokens are refused; a pre-v2 token is exchanged once.
// - Two tabs sharing storage keep working across a renewal; a copy of the old
//   token that stayed connected is disconnected and cannot come back.
// - A renewal whose acknowledgement never came (a dropped connection) retires
//   nothing: the visitor keeps its token; the new one's first use retires the old.
// - Allowed origins: the socket handshake and the HTTP routes answer only the
//   listed origins (CORS per origin, 403 origin_not_allowed otherwise); an
//   inbox without origins stays open, and the settings screen says so.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHmac, randomUUID } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import { useTestDatabase, type TestDatabase } from "../../../helpers/db";
import { signIn, startAppServer, TEST_SECRETS, type AppServer } from "../../../helpers/app-server";
import { connectVisitor, handMadeVisitorToken, nextEvent, request, type Visitor } from "../../../fixtures/widget/visitor";
import { deriveSecret } from "@/server/security/secrets";
import { setAllowedOrigins } from "@/server/channels/widget/inboxes";

// Wide enough that the in-grace steps fit on a loaded two-core CI machine.
const GRACE_MS = 6_000;
const REUSE_MS = 2 * GRACE_MS; // a younger token is handed back, not renewed
const DAY = 24 * 3600_000;
const V2 = /^v2\.\d{13}\.(\d+)\.[A-Za-z0-9_-]{43}$/;

let t: TestDatabase;
let app: AppServer;
let articleId: string;
const open: { close: () => void }[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function visitor(auth: Partial<Parameters<typeof connectVisitor>[1]> = {}, origin?: string): Promise<Visitor> {
  const v = await connectVisitor(app.url, { inbox: "demo-widget", ...auth }, { origin });
  open.push(v);
  return v;
}

function refusalOf(auth: Partial<Parameters<typeof connectVisitor>[1]>, origin?: string): Promise<{ code?: string; reason?: string }> {
  return connectVisitor(app.url, { inbox: "demo-widget", ...auth }, { origin }).then(
    (v) => {
      v.close();
      return { code: "accepted" };
    },
    (e: Error & { data?: { code?: string; reason?: string } }) => ({ code: e.data?.code ?? e.message, reason: e.data?.reason }),
  );
}

const generationOf = (token: string | null) => Number(V2.exec(token ?? "")?.[1] ?? NaN);
/** The generation the server holds for this visitor (raised once the widget acknowledged a new token). */
const storedGeneration = (visitorId: string) => expect.poll(async () => (await t.prisma.widgetVisitorToken.findUnique({ where: { visitorId } }))?.generation ?? 0);

function articleView(visitorId: string, token: string, headers: Record<string, string> = {}, inbox = "demo-widget") {
  return fetch(`${app.url}/api/widget/articles/${articleId}/view`, {
    method: "POST",
    headers: { authorization: `Bearer ${visitorId}.${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ inbox }),
  });
}

beforeAll(async () => {
  t = await useTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { WIDGET_TOKEN_GRACE_MS: String(GRACE_MS) } });
  articleId = (await t.prisma.article.findFirstOrThrow({ where: { status: "published" } })).id;
});
afterAll(async () => {
  for (const s of open) s.close();
  const { disconnectDb } = await import("@/server/db");
  await disconnectDb();
  await app?.stop();
  await t?.drop();
});

describe("visitor tokens", () => {
  it("a fresh visitor gets a v2 token of generation 1", async () => {
    const v = await visitor();
    expect(v.session.issued).toBe(true);
    expect(v.session.visitorToken).toMatch(V2);
    expect(generationOf(v.session.visitorToken)).toBe(1);
    await storedGeneration(v.session.visitorId).toBe(1);
    expect((await articleView(v.session.visitorId, v.session.visitorToken)).status).toBe(202);
    v.close();
  });

  it("reconnecting renews the token and keeps the history; the old token dies after the grace", async () => {
    const first = await visitor();
    const { visitorId, visitorToken: oldToken } = first.session;
    expect((await request(first, "message:send", { clientId: randomUUID(), text: "where is my parcel?" })).ok).toBe(true);
    first.close();

    // A reconnect right away hands the fresh token back as it is.
    const quick = await visitor({ visitorId, visitorToken: oldToken });
    expect(quick.session.visitorToken).toBe(oldToken);
    quick.close();

    await sleep(REUSE_MS + 200);
    const second = await visitor({ visitorId, visitorToken: oldToken });
    const newToken = second.session.visitorToken;
    expect(second.session.visitorId).toBe(visitorId);
    expect(second.session.issued).toBe(false);
    expect(newToken).not.toBe(oldToken);
    expect(generationOf(newToken)).toBe(2);
    await storedGeneration(visitorId).toBe(2);
    const history = await request(second, "history", {});
    expect((history.messages as { text: string }[]).map((m) => m.text)).toContain("where is my parcel?");

    // Inside the grace the old token still works (a second tab), but it is handed no token of its own.
    const inGrace = await visitor({ visitorId, visitorToken: oldToken });
    expect(inGrace.session.visitorToken).toBeNull();
    inGrace.close();

    await sleep(GRACE_MS + 200);
    // The renewed token carries on: the visitor is still the same, with its history.
    expect((await articleView(visitorId, newToken)).status).toBe(202);
    const third = await visitor({ visitorId, visitorToken: newToken });
    expect(third.session.visitorId).toBe(visitorId);
    const thirdDropped = new Promise<string>((resolve) => third.socket.once("disconnect", resolve));

    // Past the grace the old token is a copy: refused — and, as with a reused
    // refresh token, every token of the visitor is retired and its open sockets go.
    expect(await refusalOf({ visitorId, visitorToken: oldToken })).toEqual({ code: "invalid_visitor", reason: "superseded" });
    expect(await thirdDropped).toBe("io server disconnect");
    expect((await articleView(visitorId, oldToken)).status).toBe(401);
    expect((await articleView(visitorId, newToken)).status).toBe(401);
    expect(await refusalOf({ visitorId, visitorToken: newToken })).toEqual({ code: "invalid_visitor", reason: "superseded" });
  });

  it("a thief who renews with a copied token first loses it when the visitor comes back with the original", async () => {
    const v = await visitor();
    const { visitorId, visitorToken: original } = v.session;
    v.close();
    await sleep(REUSE_MS + 200);
    // The thief connects first and is renewed (generation 2, stored once acknowledged).
    const thief = await visitor({ visitorId, visitorToken: original });
    const stolen = thief.session.visitorToken!;
    expect(generationOf(stolen)).toBe(2);
    await storedGeneration(visitorId).toBe(2);
    const thiefDropped = new Promise<string>((resolve) => thief.socket.once("disconnect", resolve));
    await sleep(GRACE_MS + 200);
    // The visitor returns with what their browser holds: refused, and the thief is cut off with it.
    expect(await refusalOf({ visitorId, visitorToken: original })).toEqual({ code: "invalid_visitor", reason: "superseded" });
    expect(await thiefDropped).toBe("io server disconnect");
    expect(await refusalOf({ visitorId, visitorToken: stolen })).toEqual({ code: "invalid_visitor", reason: "superseded" });
    expect((await articleView(visitorId, stolen)).status).toBe(401);
  });

  it("refuses expired, tampered and forged-generation tokens", async () => {
    const v = await visitor();
    const id = v.session.visitorId;
    v.close();
    const root = TEST_SECRETS.NEXTAUTH_SECRET;
    // Past the 30-day renewal window: refused everywhere.
    const ancient = handMadeVisitorToken(id, root, { issuedAt: Date.now() - 31 * DAY, generation: 1 });
    expect(await refusalOf({ visitorId: id, visitorToken: ancient })).toEqual({ code: "invalid_visitor", reason: "expired" });
    expect((await articleView(id, ancient)).status).toBe(401);

    // Tampered: another mac, an edited generation or issue time, another key.
    const token = v.session.visitorToken;
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    const [, issuedAt] = token.split(".");
    for (const bad of [flipped, token.replace(/\.1\./, ".2."), token.replace(`.${issuedAt}.`, `.${Number(issuedAt) + 1}.`), handMadeVisitorToken(id, "not-the-server-secret")]) {
      expect(await refusalOf({ visitorId: id, visitorToken: bad })).toEqual({ code: "invalid_visitor", reason: "invalid" });
      expect((await articleView(id, bad)).status).toBe(401);
    }
    // Correctly signed but a generation the server never issued: refused.
    expect(await refusalOf({ visitorId: id, visitorToken: handMadeVisitorToken(id, root, { generation: 7 }) })).toEqual({ code: "invalid_visitor", reason: "superseded" });

    // Past 24 h but inside 30 days: HTTP refuses it, a (re)connect renews it.
    const dayOld = handMadeVisitorToken(id, root, { issuedAt: Date.now() - 2 * DAY, generation: 1 });
    expect((await articleView(id, dayOld)).status).toBe(401);
    const back = await visitor({ visitorId: id, visitorToken: dayOld });
    expect(back.session.visitorId).toBe(id);
    expect(generationOf(back.session.visitorToken)).toBe(2);
    expect((await articleView(id, back.session.visitorToken)).status).toBe(202);
  });

  it("exchanges a pre-v2 token once for a v2 token, keeping the visitor; then refuses it", async () => {
    const v = await visitor();
    const id = v.session.visitorId;
    expect((await request(v, "message:send", { clientId: randomUUID(), text: "from before the upgrade" })).ok).toBe(true);
    v.close();
    // As the visitor was before this release: no generation yet, the old token format.
    await t.prisma.widgetVisitorToken.delete({ where: { visitorId: id } });
    // Signed as releases before per-purpose keys did: with NEXTAUTH_SECRET itself.
    const legacy = createHmac("sha256", TEST_SECRETS.NEXTAUTH_SECRET).update(`throughline:widget-visitor:v1:${id}`).digest("base64url");
    expect((await articleView(id, legacy)).status).toBe(401);

    const upgraded = await visitor({ visitorId: id, visitorToken: legacy });
    expect(upgraded.session.visitorId).toBe(id);
    expect(generationOf(upgraded.session.visitorToken)).toBe(1);
    await storedGeneration(id).toBe(1);
    const history = await request(upgraded, "history", {});
    expect((history.messages as { text: string }[]).map((m) => m.text)).toContain("from before the upgrade");
    await sleep(GRACE_MS + 200);
    expect(await refusalOf({ visitorId: id, visitorToken: legacy })).toEqual({ code: "invalid_visitor", reason: "superseded" });
  });

  it("a renewal the widget never acknowledged retires nothing; the new token's first use does", async () => {
    const v = await visitor();
    const { visitorId, visitorToken: oldToken } = v.session;
    v.close();
    await storedGeneration(visitorId).toBe(1);
    await sleep(REUSE_MS + 200);
    // The renewal is sent but the connection drops before the widget stores it: no acknowledgement.
    const lost = await new Promise<string>((resolve, reject) => {
      const s = io(`${app.url}/widget`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { inbox: "demo-widget", visitorId, visitorToken: oldToken } });
      s.once("session", (p: { visitorToken: string }) => {
        s.close();
        resolve(p.visitorToken);
      });
      s.once("connect_error", reject);
    });
    expect(generationOf(lost)).toBe(2);
    await sleep(GRACE_MS + 200);
    // The token the widget still holds works as before…
    expect((await articleView(visitorId, oldToken)).status).toBe(202);
    expect(await t.prisma.widgetVisitorToken.findUnique({ where: { visitorId } })).toMatchObject({ generation: 1 });
    // …until the renewed one turns up (its acknowledgement was lost, not the token): then the old one dies.
    expect((await articleView(visitorId, lost)).status).toBe(202);
    await storedGeneration(visitorId).toBe(2);
    await sleep(GRACE_MS + 200);
    expect(await refusalOf({ visitorId, visitorToken: oldToken })).toEqual({ code: "invalid_visitor", reason: "superseded" });
  });

  it("two tabs sharing storage keep working across a renewal; a connected copy of the old token is cut off", async () => {
    // The widget's behaviour: one storage for all tabs, read at every connect;
    // new tokens stored as they come; reconnect when the server disconnects.
    const storage: { id?: string; token?: string } = {};
    const sessions = new Map<Socket, number>();
    const tab = () => {
      const s = io(`${app.url}/widget`, {
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
        auth: (cb) => cb({ inbox: "demo-widget", visitorId: storage.id, visitorToken: storage.token }),
      });
      for (const event of ["session", "token"]) {
        s.on(event, (p: { visitorId: string; visitorToken: string | null }, stored?: () => void) => {
          storage.id = p.visitorId;
          if (p.visitorToken) storage.token = p.visitorToken;
          stored?.();
          if (event === "session") sessions.set(s, (sessions.get(s) ?? 0) + 1);
        });
      }
      s.on("disconnect", (reason) => reason === "io server disconnect" && s.connect());
      open.push(s);
      return s;
    };
    const a = tab();
    await nextEvent(a, "session");
    const b = tab();
    await nextEvent(b, "session");
    const visitorId = storage.id!;
    const oldToken = storage.token!;
    // Someone copied the token and stays connected with it.
    const thief = await visitor({ visitorId, visitorToken: oldToken });
    const thiefDropped = new Promise<string>((resolve) => thief.socket.once("disconnect", resolve));

    await sleep(REUSE_MS + 200);
    // Tab A reloads: its reconnect renews the token.
    a.disconnect();
    const renewed = nextEvent<{ visitorToken: string }>(a, "session");
    a.connect();
    expect(generationOf((await renewed).visitorToken)).toBe(2);
    expect(storage.token).not.toBe(oldToken);

    // After the grace the server drops the sockets holding generation 1; tab B comes back with the stored token.
    const bBack = nextEvent<{ visitorId: string; visitorToken: string | null }>(b, "session", () => true, GRACE_MS + 10_000);
    expect(await thiefDropped).toBe("io server disconnect");
    expect((await bBack).visitorId).toBe(visitorId);
    expect(sessions.get(b)).toBe(2);
    expect(generationOf(storage.token!)).toBe(2);

    // Both tabs are live and are the same visitor: tab B reads what tab A sent.
    const ack = (await a.timeout(15_000).emitWithAck("message:send", { clientId: randomUUID(), text: "sent from tab A" })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    const history = (await b.timeout(15_000).emitWithAck("history", {})) as { ok: boolean; messages: { text: string }[] };
    expect(history.messages.map((m) => m.text)).toContain("sent from tab A");
  });
});

describe("allowed origins", () => {
  let shopInboxId: string;
  beforeAll(async () => {
    const admin = await t.prisma.user.findUniqueOrThrow({ where: { email: "admin@throughline.test" } });
    shopInboxId = (await t.prisma.inbox.create({ data: { name: "Shop widget", channel: "chat", publicId: "shop-widget", settings: { color: "#0f766e" } } })).id;
    expect(await setAllowedOrigins(shopInboxId, "https://Shop.example/\nhttps://shop.example:8443", admin.id)).toEqual(["https://shop.example", "https://shop.example:8443"]);
  });

  it("the socket handshake accepts only the listed origins", async () => {
    const shop = { inbox: "shop-widget" };
    expect(await refusalOf(shop, "https://evil.example")).toEqual({ code: "origin_not_allowed", reason: undefined });
    expect(await refusalOf(shop, "http://shop.example")).toEqual({ code: "origin_not_allowed", reason: undefined });
    expect(await refusalOf(shop, "https://sub.shop.example")).toEqual({ code: "origin_not_allowed", reason: undefined });
    expect(await refusalOf(shop)).toEqual({ code: "origin_not_allowed", reason: undefined });
    expect(await refusalOf(shop, "https://shop.example")).toEqual({ code: "accepted" });
    expect(await refusalOf(shop, "https://shop.example:8443")).toEqual({ code: "accepted" });
    // An inbox without allowed origins stays open.
    expect(await refusalOf({}, "https://evil.example")).toEqual({ code: "accepted" });
  });

  it("the widget's HTTP routes answer CORS per origin and refuse the others with 403", async () => {
    const get = (path: string, origin?: string, method = "GET") => fetch(`${app.url}${path}`, { method, headers: origin ? { origin, "access-control-request-method": "POST" } : {} });
    const ok = await get("/api/widget/config?inbox=shop-widget", "https://shop.example");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    expect(ok.headers.get("vary")).toMatch(/origin/i);

    for (const path of ["/api/widget/config?inbox=shop-widget", "/api/widget/articles?inbox=shop-widget&q=refund", `/api/widget/articles/${articleId}?inbox=shop-widget`]) {
      const refused = await get(path, "https://evil.example");
      expect(refused.status, path).toBe(403);
      expect(refused.headers.get("access-control-allow-origin"), path).toBeNull();
      expect(await refused.json()).toEqual({ error: { code: "origin_not_allowed", message: expect.any(String) } });
      const allowed = await get(path, "https://shop.example:8443");
      expect(allowed.status, path).toBe(200);
      expect(allowed.headers.get("access-control-allow-origin"), path).toBe("https://shop.example:8443");
    }

    // The preflight of the article-view POST (inbox in the query) and the POST itself.
    expect((await get(`/api/widget/articles/${articleId}/view?inbox=shop-widget`, "https://evil.example", "OPTIONS")).status).toBe(403);
    const preflight = await get(`/api/widget/articles/${articleId}/view?inbox=shop-widget`, "https://shop.example", "OPTIONS");
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    const v = await visitor({ inbox: "shop-widget" }, "https://shop.example");
    const before = await t.prisma.timelineEvent.count({ where: { kind: "article_view" } });
    const evil = await articleView(v.session.visitorId, v.session.visitorToken, { origin: "https://evil.example" }, "shop-widget");
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe("origin_not_allowed");
    expect(await t.prisma.timelineEvent.count({ where: { kind: "article_view" } })).toBe(before);
    const good = await articleView(v.session.visitorId, v.session.visitorToken, { origin: "https://shop.example" }, "shop-widget");
    expect(good.status).toBe(202);
    expect(good.headers.get("access-control-allow-origin")).toBe("https://shop.example");

    // No allowed origins: open to any website, as before.
    const demo = await get("/api/widget/config?inbox=demo-widget", "https://evil.example");
    expect(demo.status).toBe(200);
    expect(demo.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("the settings screen warns about a widget any website can embed", async () => {
    const { cookie, ok } = await signIn(app.url, "admin@throughline.test");
    expect(ok).toBe(true);
    const html = await (await fetch(`${app.url}/settings/channels`, { headers: { cookie } })).text();
    const card = (name: string) => {
      const start = html.indexOf(`aria-label="${name}"`);
      expect(start, name).toBeGreaterThan(-1);
      return html.slice(start, html.indexOf("</article>", start));
    };
    const warning = "Any website can embed this widget — add allowed origins";
    expect(card("Website widget")).toContain(warning);
    expect(card("Shop widget")).not.toContain(warning);
    expect(card("Shop widget")).toContain("https://shop.example:8443");
    const audit = await t.prisma.auditLog.findFirst({ where: { action: "inbox.updated", targetId: shopInboxId } });
    expect(audit?.data).toMatchObject({ after: { allowedOrigins: ["https://shop.example", "https://shop.example:8443"] } });
  });
});
