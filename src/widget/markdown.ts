// A tiny Markdown renderer for help-center articles: headings, paragraphs,
// lists, quotes, fenced code, **bold**, *italic*, `code` and links — built as
// DOM nodes (never innerHTML), so article content cannot run script.
import { h } from "./util";

function inline(text: string, origin: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  const re = /(\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\))/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[2]) out.push(h("strong", {}, m[2]));
    else if (m[3]) out.push(h("em", {}, m[3]));
    else if (m[4]) out.push(h("code", {}, m[4]));
    else {
      let href = m[6]!;
      if (href.startsWith("/")) href = origin + href;
      out.push(/^https?:\/\//i.test(href) ? h("a", { href, target: "_blank", rel: "noopener noreferrer" }, m[5]!) : m[5]!);
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function renderMarkdown(md: string, origin: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  const lines = md.replace(/\r\n?/g, "\n").split("\n");
  let para: string[] = [];
  let list: HTMLElement | null = null;
  const flush = () => {
    if (para.length) frag.append(h("p", {}, ...inline(para.join(" "), origin)));
    para = [];
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if (line.startsWith("```")) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !lines[i]!.startsWith("```")) code.push(lines[i]!);
      frag.append(h("pre", {}, h("code", {}, code.join("\n"))));
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      flush();
      frag.append(h(m[1]!.length <= 2 ? "h3" : "h4", {}, ...inline(m[2]!, origin)));
    } else if ((m = /^\s*(?:[-*+]|(\d+)\.)\s+(.*)$/.exec(line))) {
      if (para.length) flush();
      const tag = m[1] ? "ol" : "ul";
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = h(tag);
        frag.append(list);
      }
      list.append(h("li", {}, ...inline(m[2]!, origin)));
    } else if ((m = /^>\s?(.*)$/.exec(line))) {
      flush();
      frag.append(h("blockquote", {}, ...inline(m[1]!, origin)));
    } else if (!line.trim()) {
      flush();
    } else {
      list = null;
      para.push(line.trim());
    }
  }
  flush();
  return frag;
}
