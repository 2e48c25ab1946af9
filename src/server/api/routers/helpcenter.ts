// Help-center articles editor (admins) and search (any signed-in agent).
import { z } from "zod";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { adminGetArticle, adminListArticles, categories, deleteArticle, saveArticle, searchArticles } from "@/server/helpcenter/articles";
import { renderMarkdown } from "@/server/helpcenter/markdown";
import { ARTICLE_STATUSES } from "@/lib/vocabulary";

const articleInput = z.object({
  slug: z.string().max(120).optional(),
  locale: z.string().max(10),
  title: z.string().max(200),
  body: z.string().max(200_000),
  category: z.string().max(80),
  status: z.enum(ARTICLE_STATUSES),
});

export const helpcenterRouter = createTRPCRouter({
  search: protectedProcedure.input(z.object({ q: z.string().max(200), locale: z.string().max(10).optional() })).query(({ input }) => searchArticles(input.q, { locale: input.locale, limit: 10 })),
  list: adminProcedure.query(() => adminListArticles()),
  categories: adminProcedure.query(() => categories()),
  get: adminProcedure.input(z.object({ id: z.string().uuid() })).query(({ input }) => adminGetArticle(input.id)),
  preview: adminProcedure.input(z.object({ body: z.string().max(200_000) })).query(({ input }) => renderMarkdown(input.body)),
  save: adminProcedure.input(articleInput.extend({ id: z.string().uuid().nullable() })).mutation(({ input: { id, ...data } }) => saveArticle(id, data)),
  delete: adminProcedure.input(z.object({ id: z.string().uuid() })).mutation(async ({ input }) => {
    await deleteArticle(input.id);
    return { ok: true };
  }),
});
