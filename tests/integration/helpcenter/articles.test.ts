// Help center: full-text search (websearch syntax, ts_rank), drafts hidden,
// views and "Did this help?" counted, article views on the customer's timeline,
// Markdown rendered safely.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { ArticleError, getPublishedArticle, publishedByCategory, recordArticleView, recordFeedback, saveArticle, searchArticles } from "@/server/helpcenter/articles";
import { markdownToText, renderMarkdown } from "@/server/helpcenter/markdown";

let t: TestDatabase;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await useTestDatabase();
  const add = async (key: string, title: string, body: string, category: string, status: "draft" | "published" = "published", locale = "en") => {
    ids[key] = (await saveArticle(null, { title, body, category, status, locale })).id;
  };
  await add("refund", "How refunds work", "Refunds for a duplicate charge reach your card in 5–10 business days.", "Billing");
  await add("invoice", "Downloading invoices", "Every invoice is under Billing. A refund shows as a credit note.", "Billing");
  await add("deploy", "Deploying your first app", "Push to main and we build and deploy. Health checks must return 200.", "Getting started");
  await add("secret", "Upcoming refund policy", "Draft: refunds change next month.", "Billing", "draft");
  await add("de", "Rückerstattungen", "Refund auf Deutsch.", "Billing", "published", "de");
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("help center", () => {
  it("searches published articles with ranking and websearch syntax", async () => {
    const hits = await searchArticles("refunds", { locale: "en" });
    // Title match (weight A) ranks above a body-only match; the draft never shows.
    expect(hits.map((h) => h.id)).toEqual([ids.refund, ids.invoice]);
    expect(hits[0]!.headline).toMatch(/<<Refunds>>|<<refund>>/i);
    expect((await searchArticles('"health checks"')).map((h) => h.id)).toEqual([ids.deploy]);
    expect((await searchArticles("refund -invoice", { locale: "en" })).map((h) => h.id)).toEqual([ids.refund]);
    expect(await searchArticles("")).toEqual([]);
    expect((await searchArticles("refund", { includeDrafts: true, locale: "en" })).map((h) => h.id)).toContain(ids.secret);
  });

  it("lists published articles by category and locale", async () => {
    const groups = await publishedByCategory("en");
    expect(groups.map((g) => [g.category, g.articles.length])).toEqual([["Billing", 2], ["Getting started", 1]]);
    expect((await getPublishedArticle("en", "how-refunds-work"))?.id).toBe(ids.refund);
    expect(await getPublishedArticle("en", "upcoming-refund-policy")).toBeNull();
    expect((await getPublishedArticle("de", "ruckerstattungen"))?.id).toBe(ids.de);
  });

  it("counts views and feedback, and records the view on a known customer's timeline", async () => {
    await recordArticleView(ids.refund!);
    const customer = await db.customer.create({ data: { name: "Reader" } });
    const v = await recordArticleView(ids.refund!, customer.id);
    expect(v.eventId).toBeTruthy();
    // The same customer again within the minute counts once.
    const again = await recordArticleView(ids.refund!, customer.id);
    expect(again.counted).toBe(false);
    expect((await db.article.findUniqueOrThrow({ where: { id: ids.refund! } })).views).toBe(2);
    const ev = await db.timelineEvent.findFirstOrThrow({ where: { customerId: customer.id, kind: "article_view" } });
    expect(ev.text).toBe("Viewed article “How refunds work”");
    expect(ev.payload).toMatchObject({ articleId: ids.refund, slug: "how-refunds-work" });
    await recordFeedback(ids.refund!, true);
    await recordFeedback(ids.refund!, true);
    await recordFeedback(ids.refund!, false);
    expect(await db.article.findUniqueOrThrow({ where: { id: ids.refund! } })).toMatchObject({ helpfulYes: 2, helpfulNo: 1 });
    await expect(recordArticleView(ids.secret!)).rejects.toBeInstanceOf(ArticleError);
    await expect(saveArticle(null, { title: "How refunds work", body: "x", category: "Billing", status: "draft", locale: "en" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("renders Markdown safely", () => {
    const { html, headings } = renderMarkdown(
      [
        "## Set up <b>SSO</b>",
        "",
        "Use **Settings → SSO** and `SAML`. See [docs](/help/sso) or [evil](javascript:alert(1)) <script>alert(1)</script>",
        "",
        "- one",
        "- *two*",
        "",
        "```",
        "<img src=x onerror=alert(1)>",
        "```",
      ].join("\n"),
    );
    expect(headings).toEqual([{ level: 2, text: "Set up <b>SSO</b>", id: "set-up-b-sso-b" }]);
    expect(html).toContain('<h2 id="set-up-b-sso-b">Set up &lt;b&gt;SSO&lt;/b&gt;</h2>');
    expect(html).toContain("<strong>Settings → SSO</strong>");
    expect(html).toContain("<code>SAML</code>");
    expect(html).toContain('<a href="/help/sso">docs</a>');
    // A javascript: target is no link: it stays inert text.
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain("[evil](javascript:alert(1))");
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>");
    expect(html).toContain("<pre><code>&lt;img src=x onerror=alert(1)&gt;\n</code></pre>");
  });

  it("renders article Markdown in linear time: pathological input an editor could paste renders (the old hand-written renderer took minutes)", () => {
    // A heading line of spaces (cubic before), unclosed brackets (quadratic) and deep quotes (one recursion per ">").
    const size = 200_000;
    const heading = renderMarkdown(`# a${" ".repeat(size)}x`);
    expect(heading.headings).toHaveLength(1);
    expect(heading.html).toMatch(/^<h2 id="a-x">a +x<\/h2>$/);
    expect(renderMarkdown("[".repeat(size)).html).toBe(`<p>${"[".repeat(size)}</p>`);
    expect(renderMarkdown(">".repeat(size)).html).toMatch(/^<blockquote>/);
    expect(markdownToText(`[a](${"(".repeat(size)}`)).toBe(`[a](${"(".repeat(size)}`);
  });

  it("renders https images lazily and drops other image sources; external links open safely", () => {
    const { html } = renderMarkdown("![Settings page](https://cdn.example.test/a.png) ![x](javascript:alert(1)) [site](https://example.test)");
    expect(html).toContain('<img src="https://cdn.example.test/a.png" alt="Settings page" loading="lazy">');
    expect(html).not.toMatch(/src="javascript:/i);
    expect(html).toContain('<a href="https://example.test" rel="noopener noreferrer nofollow" target="_blank">site</a>');
    expect(markdownToText("# Title\n\nSome **bold** text and [a link](https://x.test). ![pic](https://x.test/p.png)\n\n```\ncode\n```")).toBe("Title Some bold text and a link.");
  });
});
