// HTML from email is hostile until proven otherwise. What we keep is rendered
// in the console, so everything that can run code, submit data or escape its
// box is removed here, once, on the way in (Message.bodyHtml is "safe to
// render"). Remote images (http and https) are kept here but never load as
// such: the console shows them blocked, and loads them only on request
// through our image proxy (src/server/images).
import sanitizeHtml from "sanitize-html";
import { htmlToText } from "html-to-text";

const TAGS = [
  "a", "abbr", "address", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center", "cite", "code", "col",
  "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "h1", "h2", "h3", "h4",
  "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
  "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul",
  "var", "wbr",
];

// CSS values: no url(), no expression(), no escapes, no @-rules; just the
// characters plain formatting needs.
// "s": the lookahead must see past a newline inside the value too.
const SAFE_VALUE = /^(?!.*(?:url\s*\(|expression\s*\(|javascript:|behavior|-moz-binding|\\|@import))[-#%,.()'"\w\s!/+]*$/is;
const STYLE_PROPS = [
  "color", "background-color", "font-weight", "font-style", "font-size", "font-family", "text-decoration",
  "text-align", "vertical-align", "line-height", "white-space", "margin", "margin-top", "margin-bottom", "margin-left",
  "margin-right", "padding", "padding-top", "padding-bottom", "padding-left", "padding-right", "border",
  "border-top", "border-bottom", "border-left", "border-right", "border-collapse", "border-color", "border-width",
  "border-style", "width", "max-width", "height", "text-indent", "list-style-type", "direction",
];
const allowedStyles = { "*": Object.fromEntries(STYLE_PROPS.map((p) => [p, [SAFE_VALUE]])) };

const SAFE_DATA_IMAGE = /^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]+$/i;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: TAGS,
  allowedAttributes: {
    "*": ["style", "dir", "lang", "title", "align"],
    a: ["href", "name", "target", "rel"],
    img: ["src", "alt", "width", "height"],
    font: ["color", "size", "face"],
    table: ["width", "border", "cellpadding", "cellspacing", "bgcolor"],
    td: ["colspan", "rowspan", "width", "valign", "bgcolor", "nowrap"],
    th: ["colspan", "rowspan", "width", "valign", "bgcolor", "scope"],
    col: ["span", "width"],
    colgroup: ["span", "width"],
    ol: ["start", "type"],
    li: ["value"],
    blockquote: ["cite"],
    q: ["cite"],
    time: ["datetime"],
  },
  allowedStyles,
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: ["http", "https", "cid", "data"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Dropped with their content, not just unwrapped.
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "head", "template", "svg", "math", "iframe", "object", "embed", "form", "select", "button", "frameset", "noembed", "xmp"],
  transformTags: {
    a: (tagName, attribs) => {
      const out: Record<string, string> = { ...attribs, rel: "noopener noreferrer nofollow" };
      if (out.href) out.target = "_blank";
      else delete out.target;
      return { tagName, attribs: out };
    },
    img: (tagName, attribs) => {
      const out = { ...attribs };
      const src = (out.src ?? "").trim();
      // data: only for raster images (an SVG data URI can carry script).
      if (/^data:/i.test(src) && !SAFE_DATA_IMAGE.test(src)) delete out.src;
      return { tagName, attribs: out };
    },
  },
  // An image with nothing left to show is noise.
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
};

/** Sanitised HTML, safe to render inside the console. */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Plain text as simple HTML (paragraphs and line breaks, links made clickable). */
export function textToHtml(text: string): string {
  const paragraphs = text.replace(/\r\n?/g, "\n").trim().split(/\n{2,}/);
  return paragraphs
    .map((p) => {
      const escaped = escapeHtml(p).replace(
        /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g,
        (url) => `<a href="${url}" target="_blank" rel="noopener noreferrer nofollow">${url}</a>`,
      );
      return `<p>${escaped.replace(/\n/g, "<br>")}</p>`;
    })
    .join("\n");
}

/** Readable plain text from HTML (for messages that arrive with HTML only). */
export function htmlToPlainText(html: string): string {
  try {
    return htmlToText(html, {
      wordwrap: false,
      selectors: [
        { selector: "img", format: "skip" },
        { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
      ],
      limits: { maxInputLength: 2_000_000 },
    }).trim();
  } catch {
    return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/\s+/g, " ").trim();
  }
}
