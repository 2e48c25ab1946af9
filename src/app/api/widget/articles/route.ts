// GET /api/widget/articles?inbox=<publicId>&q=<words>&limit=3&locale=en →
// { items: [{ id, slug, title, category, excerpt, url }] }: published
// help-center articles, best full-text match first (websearch syntax); without
// q, the most viewed. 403 origin_not_allowed outside the inbox's allowed origins.
import { searchArticles } from "@/server/channels/widget/articles";
import { findWidgetInbox } from "@/server/channels/widget/config";
import { corsHeaders, json, preflight, problem, refuseOrigin } from "@/server/channels/widget/http";
import { publicUrl } from "@/env";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(req: Request) {
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

export const OPTIONS = preflight;
