// The embeddable widget's HTTP endpoints (called cross-origin from the sites
// that embed it; CORS per inbox, see src/server/channels/widget/http.ts).
//   GET     /api/widget/config?inbox=<publicId> → the widget's public settings:
//           { inbox, name, color, greeting, preChatForm, trackPageViews,
//             requireVerifiedIdentity, offlineMessage, online }. 404 for an unknown inbox,
//           403 origin_not_allowed for a page outside the inbox's allowed origins.
//   GET     /api/widget/articles?inbox=<publicId>&q=<words>&limit=3&locale=en →
//           { items: [{ id, slug, title, category, excerpt, url }] }: published
//           help-center articles, best full-text match first (websearch syntax); without
//           q, the most viewed. 403 origin_not_allowed outside the inbox's allowed origins.
//   GET     /api/widget/articles/:id → one published article (markdown body) for the
//           widget's reader. Viewing is recorded separately (POST …/view or the socket's
//           article:view), because only the visitor can say who read it. With
//           ?inbox=<publicId> (the widget sends it) the page must be one of that inbox's
//           allowed origins; without, the article is as public as /help.
//   POST    /api/widget/articles/:id/view with "Authorization: Bearer
//           <visitorId>.<visitorToken>" and JSON { inbox, identity? } → 202 { ok, eventId }:
//           records an article_view touchpoint on the visitor's timeline. identity is
//           the page's ThroughlineSettings ({ userId?, email?, userHash? }), checked as
//           in the socket handshake (a wrong hash → 403, nothing recorded). The token
//           must be current (or the previous generation inside the grace) and under
//           24 h old: HTTP never renews it. A page outside the inbox's allowed origins
//           → 403 origin_not_allowed (the widget also puts ?inbox= in the URL, so the
//           CORS preflight can answer for the inbox).
//   GET     /api/widget/attachments/:id?e=<expiry>&s=<signature> → the bytes of an
//           attachment of a visitor's conversation. The links are signed and expiring;
//           the socket hands them out only with messages the visitor may see. An <img>
//           sends no Origin; a fetch from a page outside the inbox's allowed origins is
//           refused (403 origin_not_allowed).
//   OPTIONS config, articles, articles/:id, articles/:id/view → CORS preflight.
import { z } from "zod";
import { db } from "@/server/db";
import { publicUrl } from "@/env";
import { getPublishedArticle, searchArticles } from "@/server/channels/widget/articles";
import { findWidgetInbox, publicConfig, widgetInboxById } from "@/server/channels/widget/config";
import { corsHeaders, json, preflight, problem, refuseOrigin } from "@/server/channels/widget/http";
import { checkIdentity, verifyAttachmentSignature } from "@/server/channels/widget/identity";
import { recordArticleView, WidgetError } from "@/server/channels/widget/service";
import { ALLOWED_IMAGE_TYPES } from "@/server/channels/widget/uploads";
import { visitorFromAuthorization } from "@/server/channels/widget/visitor-tokens";
import { checkJsonShape } from "@/server/security/json-shape";
import type { RouteContext } from "../route-context";

export { preflight };

// ---- GET /api/widget/config ------------------------------------------------------------------

export async function getConfig(req: Request) {
  const publicId = new URL(req.url).searchParams.get("inbox") ?? "";
  if (!publicId) return problem(400, "invalid_request", "The inbox parameter is required.");
  const inbox = await findWidgetInbox(publicId);
  if (!inbox) return problem(404, "unknown_inbox", "No chat inbox with this id.");
  const refused = refuseOrigin(req, inbox);
  if (refused) return refused;
  return json(publicConfig(inbox), 200, { "cache-control": "public, max-age=15" }, corsHeaders(req, inbox));
}

// ---- GET /api/widget/articles ----------------------------------------------------------------

export async function searchWidgetArticles(req: Request) {
  const params = new URL(req.url).searchParams;
  const inbox = await findWidgetInbox(params.get("inbox") ?? "");
  if (!inbox) return problem(404, "unknown_inbox", "No chat inbox with this id.");
  const refused = refuseOrigin(req, inbox);
  if (refused) return refused;
  const cors = corsHeaders(req, inbox);
  const q = params.get("q") ?? "";
  if (q.length > 200) return problem(400, "invalid_request", "The query is too long (200 characters at most).", cors);
  const limit = Number(params.get("limit") ?? 3);
  const items = await searchArticles(q, { limit: Number.isFinite(limit) ? limit : 3, locale: params.get("locale") ?? undefined });
  const base = publicUrl();
  return json({ items: items.map((a) => ({ ...a, url: `${base}/help/${encodeURIComponent(a.slug)}` })) }, 200, { "cache-control": "public, max-age=60" }, cors);
}

// ---- GET /api/widget/articles/:id ------------------------------------------------------------

export async function getWidgetArticle(req: Request, ctx: RouteContext<"id">) {
  const { id } = await ctx.params;
  const publicId = new URL(req.url).searchParams.get("inbox");
  const inbox = publicId ? await findWidgetInbox(publicId) : null;
  if (publicId && !inbox) return problem(404, "unknown_inbox", "No chat inbox with this id.");
  const refused = inbox && refuseOrigin(req, inbox);
  if (refused) return refused;
  const cors = corsHeaders(req, inbox);
  const article = await getPublishedArticle(id);
  if (!article) return problem(404, "not_found", "No such article.", cors);
  return json({ ...article, url: `${publicUrl()}/help/${encodeURIComponent(article.slug)}` }, 200, { "cache-control": "public, max-age=60" }, cors);
}

// ---- POST /api/widget/articles/:id/view -------------------------------------------------------

const bodySchema = z.object({
  inbox: z.string().min(1).max(100),
  identity: z
    .object({ userId: z.string().max(256).optional(), email: z.string().max(320).optional(), name: z.string().max(200).optional(), userHash: z.string().max(128).optional() })
    .optional(),
});

export async function postArticleView(req: Request, ctx: RouteContext<"id">) {
  const { id } = await ctx.params;
  const visitorId = await visitorFromAuthorization(req.headers.get("authorization"));
  if (!visitorId) return problem(401, "invalid_visitor", "A valid visitor token is required.");
  const raw = await req.text();
  if (raw.length > 10_000) return problem(413, "too_large", "The request body is too large.");
  let body: unknown;
  try {
    body = raw ? JSON.parse(raw) : {};
  } catch {
    return problem(400, "invalid_request", "The body must be JSON.");
  }
  const refusal = checkJsonShape(body);
  if (refusal) return problem(400, refusal.code, refusal.message);
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return problem(400, "invalid_request", parsed.error.issues[0]?.message ?? "invalid body");
  const inbox = await findWidgetInbox(parsed.data.inbox);
  if (!inbox) return problem(404, "unknown_inbox", "No chat inbox with this id.");
  const refused = refuseOrigin(req, inbox);
  if (refused) return refused;
  const cors = corsHeaders(req, inbox);
  const identity = checkIdentity(parsed.data.identity, inbox.settings.requireVerifiedIdentity);
  if (!identity.ok) return problem(403, identity.code, identity.message, cors);
  try {
    const { result } = await recordArticleView(
      { inboxId: inbox.id, publicId: inbox.publicId, visitorId, verified: identity.verified, claimedEmail: identity.claimedEmail, name: identity.name },
      id,
    );
    return json({ ok: true, eventId: result.eventId, duplicate: !result.created }, 202, {}, cors);
  } catch (error) {
    if (error instanceof WidgetError && error.code === "not_found") return problem(404, "not_found", "No such article.", cors);
    throw error;
  }
}

// ---- GET /api/widget/attachments/:id ----------------------------------------------------------

export async function getWidgetAttachment(req: Request, ctx: RouteContext<"id">) {
  const { id } = await ctx.params;
  const params = new URL(req.url).searchParams;
  if (!/^[0-9a-f-]{36}$/i.test(id) || !verifyAttachmentSignature(id, params.get("e"), params.get("s"))) {
    return problem(403, "forbidden", "This link is invalid or has expired.");
  }
  const a = await db.attachment.findUnique({
    where: { id },
    select: { filename: true, contentType: true, size: true, data: true, message: { select: { isNote: true, deletedAt: true, inboxId: true } } },
  });
  if (!a || !a.data || !a.message || a.message.isNote || a.message.deletedAt) return problem(404, "not_found", "No such attachment.");
  const inbox = await widgetInboxById(a.message.inboxId);
  const refused = inbox && refuseOrigin(req, inbox);
  if (refused) return refused;
  const image = (ALLOWED_IMAGE_TYPES as readonly string[]).includes(a.contentType);
  const name = encodeURIComponent(a.filename);
  return new Response(new Uint8Array(a.data), {
    headers: {
      ...corsHeaders(req, inbox),
      "content-type": image ? a.contentType : "application/octet-stream",
      "content-length": String(a.data.length),
      "content-disposition": `${image ? "inline" : "attachment"}; filename*=UTF-8''${name}`,
      "cache-control": "private, max-age=3600",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
}
