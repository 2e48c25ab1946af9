// POST /api/widget/articles/:id/view with "Authorization: Bearer
// <visitorId>.<visitorToken>" and JSON { inbox, identity? } → 202 { ok, eventId }:
// records an article_view touchpoint on the visitor's timeline. identity is
// the page's ThroughlineSettings ({ userId?, email?, userHash? }), checked as
// in the socket handshake (a wrong hash → 403, nothing recorded). The token
// must be current (or the previous generation inside the grace) and under
// 24 h old: HTTP never renews it. A page outside the inbox's allowed origins
// → 403 origin_not_allowed (the widget also puts ?inbox= in the URL, so the
// CORS preflight can answer for the inbox).
import { z } from "zod";
import { findWidgetInbox } from "@/server/channels/widget/config";
import { corsHeaders, json, preflight, problem, refuseOrigin } from "@/server/channels/widget/http";
import { checkIdentity } from "@/server/channels/widget/identity";
import { visitorFromAuthorization } from "@/server/channels/widget/visitor-tokens";
import { recordArticleView, WidgetError } from "@/server/channels/widget/service";
import { checkJsonShape } from "@/server/security/json-shape";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const bodySchema = z.object({
  inbox: z.string().min(1).max(100),
  identity: z
    .object({ userId: z.string().max(256).optional(), email: z.string().max(320).optional(), name: z.string().max(200).optional(), userHash: z.string().max(128).optional() })
    .optional(),
});

export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
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

export const OPTIONS = preflight;
