// Self-service: help-center articles suggested while the first message is
// written, and the reader that opens one (its view is recorded over the
// socket, or over HTTP when offline), with "Chat with us" about it.
import type { Connection } from "./connection";
import { renderMarkdown } from "./markdown";
import type { Msg } from "./messages";
import { ICONS } from "./styles";
import type { Article, ArticleHit, Settings } from "./types";
import { h, icon } from "./util";
import { t } from "./i18n";

export type Articles = ReturnType<typeof createArticles>;

export function createArticles(
  origin: string,
  inbox: string,
  settings: Settings,
  conn: Connection,
  on: { canSuggest: () => boolean; closed: () => void; chat: (context: Msg["context"]) => void },
) {
  const suggest = h("div", { class: "suggest", hidden: true });
  const reader = h("div", { class: "reader", hidden: true, role: "document", "aria-label": t("articles.reader") });
  let loading = false;
  let searchTimer = 0;
  let searchSeq = 0;

  const open = async (hit: ArticleHit) => {
    a.article = { id: hit.id, slug: hit.slug, title: hit.title, category: hit.category, body: "" };
    loading = true;
    a.renderReader();
    let article: Article | null = null;
    try {
      const res = conn.connected ? await conn.request("article:view", { articleId: hit.id }) : null;
      if (res?.ok) article = res.article;
    } catch {
      /* fall back to HTTP */
    }
    if (!article) {
      try {
        const q = `inbox=${encodeURIComponent(inbox)}`;
        const r = await fetch(`${origin}/api/widget/articles/${hit.id}?${q}`);
        if (r.ok) article = (await r.json()) as Article;
        const v = conn.visitor();
        if (article && v) {
          void fetch(`${origin}/api/widget/articles/${hit.id}/view?${q}`, {
            method: "POST",
            headers: { authorization: `Bearer ${v.id}.${v.token}`, "content-type": "application/json" },
            body: JSON.stringify({ inbox, identity: settings.userHash ? settings : undefined }),
          }).catch(() => undefined);
        }
      } catch {
        /* shown as not loaded below */
      }
    }
    if (a.article?.id !== hit.id) return;
    loading = false;
    a.article = article ?? { ...a.article, body: t("articles.notLoaded") };
    a.renderReader();
    (reader.querySelector(".back") as HTMLElement | null)?.focus();
  };

  const a = {
    suggest,
    reader,
    suggestions: [] as ArticleHit[],
    article: null as Article | null,

    search(q: string) {
      clearTimeout(searchTimer);
      const seq = ++searchSeq;
      if (q.length < 4) {
        if (a.suggestions.length) {
          a.suggestions = [];
          a.renderSuggest();
        }
        return;
      }
      searchTimer = window.setTimeout(async () => {
        try {
          const r = await fetch(`${origin}/api/widget/articles?inbox=${encodeURIComponent(inbox)}&limit=3&q=${encodeURIComponent(q.slice(0, 200))}`);
          const j = (await r.json()) as { items?: ArticleHit[] };
          if (seq !== searchSeq) return;
          a.suggestions = (j.items ?? []).slice(0, 3);
          a.renderSuggest();
        } catch {
          /* self-service is a bonus: chat works without it */
        }
      }, 350);
    },

    renderSuggest() {
      const show = a.suggestions.length > 0 && on.canSuggest() && !a.article;
      suggest.hidden = !show;
      if (!show) return suggest.replaceChildren();
      suggest.replaceChildren(
        h("h3", { id: "tl-sugg" }, t("articles.suggested")),
        h(
          "ul",
          { "aria-labelledby": "tl-sugg" },
          ...a.suggestions.map((s) => h("li", {}, h("button", { class: "art", type: "button", onclick: () => void open(s) }, h("b", {}, s.title), h("span", {}, s.excerpt)))),
        ),
      );
    },

    renderReader() {
      const art = a.article;
      reader.hidden = !art;
      a.renderSuggest();
      if (!art) return reader.replaceChildren();
      const back = h("button", { class: "back", type: "button", onclick: a.close }, icon(ICONS.back), t("articles.back"));
      const body = h("div", { class: "md" });
      if (loading) body.append(h("p", {}, t("articles.loading")));
      else body.append(renderMarkdown(art.body, origin));
      reader.replaceChildren(
        back,
        h("h2", {}, art.title),
        h("p", { class: "cat" }, art.category),
        body,
        h(
          "div",
          { class: "still" },
          h("p", {}, t("articles.stillNeedHelp")),
          h(
            "button",
            {
              class: "btn",
              type: "button",
              onclick: () => {
                const cur = a.article;
                a.article = null;
                a.suggestions = [];
                on.chat(cur ? { articleId: cur.id, title: cur.title } : null);
              },
            },
            t("articles.chatWithUs"),
          ),
        ),
      );
      reader.scrollTop = 0;
    },

    close() {
      a.article = null;
      a.renderReader();
      on.closed();
    },
  };
  return a;
}
