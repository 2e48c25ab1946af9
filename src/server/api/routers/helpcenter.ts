// Help-center articles editor (admins) and search (any signed-in agent).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { adminGetArticle, adminListArticles, ArticleError, categories, deleteArticle, saveArticle, searchArticles } from "@/server/helpcenter/articles";
import { renderMarkdown } from "@/server/helpcenter/markdown";

function mapError(error: unknown): never {
  if (error instanceof ArticleError) {
    throw new TRPCError({ code: error.code === "not_found" ? "NOT_FOUND" : error.code === "conflict" ? "CONFLICT" : "BAD_REQUEST", message: error.message });
  }
  throw error;
}

const articleInput = z.object({
  slug: z.string().max(120).optional(),
  locale: z.string().max(10),
  title: z.string().max(200),
  body: z.string().max(200_000),
  category: z.string().max(80),
  status: z.enum(["draft", "published"]),
});

export const helpcenterRouter = createTRPCRouter({
  search: protectedProcedure.input(z.object({ q: z.string().max(200), locale: z.string().max(10).optional() })).query(({ input }) => searchArticles(input.q, { locale: input.locale, limit: 10 })),
  list: adminProcedure.query(() => adminListArticles()),
  categories: adminProcedure.query(() => categories()),
  get: adminProcedure.input(z.object({ id: z.string().uuid() })).query(async ({ input }) => {
    try {
      return await adminGetArticle(input.id);
    } catch (error) {
      mapError(error);
    }
  }),
  preview: adminProcedure.input(z.object({ body: z.string().max(200_000) })).query(({ input }) => renderMarkdown(input.body)),
  save: adminProcedure.input(articleInput.extend({ id: z.string().uuid().nullable() })).mutation(async ({ input }) => {
    const { id, ...data } = input;
    try {
      return await saveArticle(id, data);
    } catch (error) {
      mapError(error);
    }
  }),
  delete: adminProcedure.input(z.object({ id: z.string().uuid() })).mutation(async ({ input }) => {
    try {
      await deleteArticle(input.id);
      return { ok: true };
    } catch (error) {
      mapError(error);
    }
  }),
});
