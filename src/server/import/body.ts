// An imported message's body as the write path stores it: HTML sanitised
// exactly as inbound email is (channels/email/sanitize.ts: Message.bodyHtml
// is "safe to render"), plain text from the platform or read from the HTML.
import { htmlToPlainText, sanitizeEmailHtml } from "@/server/channels/email/sanitize";

/** The stored text and HTML, or null when nothing readable is left (an empty body). */
export function importBody(plain: string | null | undefined, html: string | null | undefined): { text: string; html: string | null } | null {
  const safe = html?.trim() ? sanitizeEmailHtml(storable(html)) || null : null;
  let text = storable(plain ?? "").replace(/\r\n?/g, "\n").trim();
  if (!text && safe) text = htmlToPlainText(safe);
  if (!text) return null;
  return { text, html: safe };
}

// PostgreSQL refuses NUL and unpaired surrogates (src/server/text/storable.ts): old exports do carry them.
function storable(s: string): string {
  return s.replace(/\u0000/g, "").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
