// A widget visitor's token: the credential that lets a browser speak as (and
// read the conversation of) a visitor id. Format, signed with the
// "visitor-tokens" key:
//
//   v2.<issued-at ms>.<generation>.<base64url HMAC-SHA256 of "…:v2:<visitorId>:<issued-at>:<generation>">
//
// Lifetimes, chosen like a chat product's session:
// - A token works for 24 h (TOKEN_LIFETIME_MS) — long enough for a visitor
//   who keeps a tab open all day, short enough that a copy from a log or a
//   host-page XSS is worth little.
// - The server renews it on every socket (re)connect and, for a visitor who
//   stays connected, at half its lifetime. A visitor who comes back within
//   30 days of the last renewal (RENEWAL_WINDOW_MS: a monthly customer still
//   finds their conversation) gets a new token on connect; an older token is
//   refused and the widget starts a fresh anonymous visitor (a verified
//   visitor gets their history back through the identity).
// - Every renewal raises the visitor's generation (widget_visitor_tokens), and
//   only the current generation is accepted — plus the previous one for a short
//   grace (60 s, WIDGET_TOKEN_GRACE_MS) so a second tab or an in-flight request
//   that still holds it is not refused. A stolen earlier token is dead once the
//   real visitor has renewed and the grace has passed.
// - The generation is raised when the widget confirms it stored the new token
//   (it acknowledges the event), or at the new token's first use should that
//   acknowledgement be lost — never before: a renewal lost with a dropped
//   connection or a crashed process must not strand the visitor on a token
//   that is about to be refused. So the next generation (one above the stored
//   one, signed by us) is accepted too, and its use commits it.
// - A token younger than twice the grace is handed back as it is rather than
//   renewed: the tabs a renewal displaces reconnect with the new token, and
//   renewing again would displace the renewing tab in turn, forever.
// - v1 tokens (HMAC of the id alone, before this format) are exchanged once,
//   on the socket, for a v2 token while the visitor has no generation yet;
//   after that (and on HTTP always) they are refused. Accepting them for good
//   would keep the never-expiring hole open.
import { createHmac, timingSafeEqual } from "node:crypto";
import { envValue } from "@/env";
import { db } from "@/server/db";
import { legacySigningRoot, purposeSecret } from "@/server/security/secrets";
import { VISITOR_ID } from "./identity";

export const TOKEN_LIFETIME_MS = 24 * 3600_000;
export const RENEWAL_WINDOW_MS = 30 * 24 * 3600_000;
/** Renewal of a connected visitor, before its token expires. */
export const RENEW_CONNECTED_AFTER_MS = TOKEN_LIFETIME_MS / 2;

export const graceMs = () => envValue("WIDGET_TOKEN_GRACE_MS");
const reuseWindowMs = () => 2 * graceMs();

/** connect: the socket handshake (may renew); request: an HTTP route or a check of a live socket. */
export type TokenUse = "connect" | "request";

export type TokenCheck =
  | {
      ok: true;
      generation: number;
      /** false: a previous generation inside the grace (another tab renewed). */
      current: boolean;
      issuedAt: number | null;
      /** The handshake should issue a new token (and raise the generation). */
      renew: boolean;
      /** Its use just raised the stored generation (a renewal whose acknowledgement was lost). */
      committed: boolean;
    }
  | { ok: false; reason: "invalid" | "expired" | "superseded"; /** A superseded token came back: every token of the visitor was retired. */ reused?: boolean };

function hmac(secret: string, message: string): Buffer {
  return createHmac("sha256", secret).update(message).digest();
}

function sameBytes(a: Buffer, b: Buffer) {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function signVisitorToken(visitorId: string, issuedAt: number, generation: number, secret = purposeSecret("visitor-tokens")): string {
  const mac = hmac(secret, `throughline:widget-visitor:v2:${visitorId}:${issuedAt}:${generation}`).toString("base64url");
  return `v2.${issuedAt}.${generation}.${mac}`;
}

/** The pre-v2 token (the signature of the id), recognised only to be exchanged. */
/** The pre-v2 format, signed with NEXTAUTH_SECRET itself (only ever verified, never issued now). */
export function legacyVisitorToken(visitorId: string, secret = purposeSecret("visitor-tokens")): string {
  return hmac(secret, `throughline:widget-visitor:v1:${visitorId}`).toString("base64url");
}

const V2 = /^v2\.(\d{1,15})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/;

/** The token's claims when its signature holds for this visitor id (v1 = generation 0, no issue time); else null. */
export function readVisitorToken(visitorId: string, token: unknown, secret = purposeSecret("visitor-tokens")): { generation: number; issuedAt: number | null } | null {
  if (!VISITOR_ID.test(visitorId) || typeof token !== "string" || token.length > 100) return null;
  const m = V2.exec(token);
  if (m) {
    const issuedAt = Number(m[1]);
    const generation = Number(m[2]);
    return sameBytes(Buffer.from(signVisitorToken(visitorId, issuedAt, generation, secret)), Buffer.from(token)) ? { generation, issuedAt } : null;
  }
  // v1 tokens were signed with NEXTAUTH_SECRET itself; honoured (to be exchanged once) only with that root.
  const legacyRoot = legacySigningRoot();
  if (!legacyRoot) return null;
  return sameBytes(Buffer.from(legacyVisitorToken(visitorId, legacyRoot)), Buffer.from(token)) ? { generation: 0, issuedAt: null } : null;
}

/** The visitor's current generation and when it was issued (0 = never issued a v2 token). */
export async function currentGeneration(visitorId: string): Promise<{ generation: number; rotatedAt: number }> {
  const row = await db.widgetVisitorToken.findUnique({ where: { visitorId } });
  return row ? { generation: row.generation, rotatedAt: row.rotatedAt.getTime() } : { generation: 0, rotatedAt: 0 };
}

export async function checkVisitorToken(visitorId: string, token: unknown, use: TokenUse, now = Date.now()): Promise<TokenCheck> {
  const claims = readVisitorToken(visitorId, token);
  if (!claims) return { ok: false, reason: "invalid" };
  const { issuedAt, generation } = claims;
  if (issuedAt === null) {
    if (use !== "connect") return { ok: false, reason: "superseded" };
  } else {
    // Issued "in the future" means a forged clock, not a skewed one: we issued it.
    if (issuedAt > now + 60_000) return { ok: false, reason: "invalid" };
    if (now - issuedAt >= (use === "connect" ? RENEWAL_WINDOW_MS : TOKEN_LIFETIME_MS)) return { ok: false, reason: "expired" };
  }
  const current = await currentGeneration(visitorId);
  const renew = use === "connect" && (issuedAt === null || now - issuedAt >= reuseWindowMs());
  if (generation === current.generation) return { ok: true, generation, current: true, issuedAt, renew, committed: false };
  if (generation === current.generation + 1) {
    // We signed it, but its receipt was never confirmed: this first use confirms it.
    const committed = await commitGeneration(visitorId, generation, now);
    return { ok: true, generation, current: true, issuedAt, renew, committed };
  }
  if (generation === current.generation - 1 && now - current.rotatedAt < graceMs()) {
    return { ok: true, generation, current: false, issuedAt, renew: false, committed: false };
  }
  // Our tabs always present the newest stored token, so an older v2 token past
  // the grace is a copy: someone renewed with it before, or renews with the
  // real one now. As with reused refresh tokens, every token of the visitor
  // stops working; the caller drops the visitor's open sockets.
  if (issuedAt !== null && generation < current.generation) {
    await retireAllTokens(visitorId, current.generation, now);
    return { ok: false, reason: "superseded", reused: true };
  }
  return { ok: false, reason: "superseded" };
}

/** Jumps past every token issued so far (current and the one not yet confirmed). */
async function retireAllTokens(visitorId: string, from: number, now: number) {
  await db.widgetVisitorToken.updateMany({ where: { visitorId, generation: from }, data: { generation: from + 2, rotatedAt: new Date(now - graceMs()) } });
}

/** The token that follows generation `from` (0 = none yet). Nothing changes until commitGeneration. */
export function nextVisitorToken(visitorId: string, from: number, now = Date.now()): { token: string; generation: number; issuedAt: number } {
  return { token: signVisitorToken(visitorId, now, from + 1), generation: from + 1, issuedAt: now };
}

/**
 * Makes `generation` the visitor's current one, from the one just below it.
 * False when it already is (another tab confirmed first) or the stored one moved on.
 */
export async function commitGeneration(visitorId: string, generation: number, now = Date.now()): Promise<boolean> {
  const rotatedAt = new Date(now);
  const done =
    generation === 1
      ? await db.widgetVisitorToken.createMany({ data: [{ visitorId, generation: 1, rotatedAt }], skipDuplicates: true })
      : await db.widgetVisitorToken.updateMany({ where: { visitorId, generation: generation - 1 }, data: { generation, rotatedAt } });
  return done.count > 0;
}

/** "Bearer <visitorId>.<token>" → its parts (the token's own dots included), or null. */
export function parseVisitorAuthorization(header: string | null): { visitorId: string; token: string } | null {
  const m = /^Bearer\s+([0-9a-f]{32})\.([A-Za-z0-9_.-]{1,100})$/.exec(header?.trim() ?? "");
  return m ? { visitorId: m[1]!, token: m[2]! } : null;
}

/** The visitor id of an HTTP request when its token is valid now (never renews). */
export async function visitorFromAuthorization(header: string | null): Promise<string | null> {
  const parsed = parseVisitorAuthorization(header);
  if (!parsed) return null;
  return (await checkVisitorToken(parsed.visitorId, parsed.token, "request")).ok ? parsed.visitorId : null;
}
