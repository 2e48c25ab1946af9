// article:view {articleId}: an article_view touchpoint; the ack carries the article.
import type { Acks, ClientEvents } from "../protocol";
import { recordArticleView } from "../service";
import type { WidgetEventContext } from "./context";

export async function onArticleView(ctx: WidgetEventContext, input: ClientEvents["article:view"]): Promise<Acks["article:view"]> {
  const { article, result } = await recordArticleView(ctx.session, input.articleId);
  await ctx.afterWrite(result.customerId);
  return { article: { id: article.id, slug: article.slug, title: article.title, category: article.category, body: article.body } };
}
