// GET /api/widget/articles/:id → one published article (markdown body) for the
// widget's reader. Viewing is recorded separately (POST …/view or the socket's
// article:view), because only the visitor can say who read it. With
// ?inbox=<publicId> (the widget sends it) the page must be one of that inbox's
// allowed origins; without, the article is as public as /help.
import { getPublishedArticle } from "@/server/channels/widget/articles";
import { findWidgetInbox } from "@/server/channels/widget/config";
import { corsHeaders, json, preflight, problem, refuseOrigin } from "@/server/channels/widget/http";
import { publicUrl } from "@/env";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
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

export const OPTIONS = preflight;
