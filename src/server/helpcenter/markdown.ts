// Help-center articles are Markdown, rendered with markdown-it (CommonMark,
// linear-time parsing). Raw HTML in an article is shown as text, never markup;
// only http(s), mailto, site-relative and #anchor link targets survive, so an
// article can never inject markup or script. Headings get ids for the table
// of contents and start at h2 (the page's title is the h1).
import MarkdownIt from "markdown-it";

export function safeHref(url: string): string | null {
  const u = url.trim();
  if (/^(https?:|mailto:)/i.test(u)) return u;
  if (/^\/(?!\/)/.test(u) || u.startsWith("#")) return u;
  return null;
}

export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "section"
  );
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
// Links and image sources alike (images load over https or from this site: the help
// center's CSP allows no more; the console's editor preview shows only this site's).
md.validateLink = (url) => safeHref(url) !== null;
const renderImage = md.renderer.rules.image!;
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet("loading", "lazy");
  return renderImage(tokens, idx, options, env, self);
};

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const href = String(tokens[idx]!.attrGet("href") ?? "");
  if (/^https?:/i.test(href)) {
    tokens[idx]!.attrSet("rel", "noopener noreferrer nofollow");
    tokens[idx]!.attrSet("target", "_blank");
  }
  return self.renderToken(tokens, idx, options);
};

export type Heading = { level: number; text: string; id: string };

/** Markdown → { html, headings }. */
export function renderMarkdown(markdown: string): { html: string; headings: Heading[] } {
  const tokens = md.parse(markdown, {});
  const headings: Heading[] = [];
  const usedIds = new Set<string>();
  for (const [i, token] of tokens.entries()) {
    if (token.type !== "heading_open" && token.type !== "heading_close") continue;
    const level = Math.min(6, Math.max(2, Number(token.tag.slice(1))));
    token.tag = `h${level}`;
    if (token.type === "heading_close") continue;
    const text = tokens[i + 1]?.content ?? "";
    let id = slugify(text);
    for (let n = 2; usedIds.has(id); n++) id = `${slugify(text)}-${n}`;
    usedIds.add(id);
    token.attrSet("id", id);
    headings.push({ level, text, id });
  }
  return { html: md.renderer.render(tokens, md.options, {}).trim(), headings };
}

/** Markdown → one plain line (excerpts, meta descriptions): the text of the rendered article. */
export function markdownToText(markdown: string): string {
  const parts: string[] = [];
  for (const token of md.parse(markdown, {})) {
    if (token.type === "fence" || token.type === "code_block") continue;
    if (token.type !== "inline") continue;
    for (const child of token.children ?? []) if (child.type === "text" || child.type === "code_inline") parts.push(child.content);
    parts.push(" ");
  }
  return parts.join("").replace(/\s+/g, " ").trim();
}
