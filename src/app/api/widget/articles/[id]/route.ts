// GET /api/widget/articles/:id → one published article (markdown body) for the
// widget's reader. Viewing is recorded separately (POST …/view or the socket's
// article:view), because only the visitor can say who read it.
import { getPublishedArticle } from "@/server/channels/widget/articles";
import { json, preflight, problem } from "@/server/channels/widget/http";
import { publicUrl } from "@/env";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const article = await getPublishedArticle(id);
  if (!article) return problem(404, "not_found", "No such article.");
  return json({ ...article, url: `${publicUrl()}/help/${encodeURIComponent(article.slug)}` }, 200, { "cache-control": "public, max-age=60" });
}

export const OPTIONS = preflight;
