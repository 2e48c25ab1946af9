// Splitting what the sender just wrote from the history their client quoted
// below it and from their signature. The new text is what the timeline shows;
// the rest is kept (Message.quotedText) and shown collapsed.
import { Parser } from "htmlparser2";

export type SplitText = { body: string; quoted: string | null };

// "On Tue, 3 Mar 2026 at 10:00, Ann <ann@x.test> wrote:" and its siblings in
// other languages; clients wrap it over two lines, so it is tested on pairs too.
const ATTRIBUTION = [
  /^on\b.{0,300}\bwrote:\s*$/i,
  /^am\b.{0,300}\bschrieb\b.{0,200}:\s*$/i,
  /^le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^el\b.{0,300}\bescribió\s*:\s*$/i,
  /^op\b.{0,300}\bschreef\b.{0,200}:\s*$/i,
  /^il giorno\b.{0,300}\bha scritto\s*:\s*$/i,
  /^em\b.{0,300}\bescreveu\s*:\s*$/i,
  // "<[^>@]+@": one way to split at the "@" (with "[^>]+@" a long line backtracked quadratically).
  /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}.{0,200}<[^>@]+@[^>]+>:?\s*$/,
];
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|oorspronkelijk bericht|messaggio originale)\s*-{2,}\s*$/i;
const OUTLOOK_RULE = /^\s*_{10,}\s*$/;
const HEADER_FROM = /^\s*\*?(from|von|de|van|da|od|fra|från)\s*:\*?\s+\S/i;
const HEADER_SENT = /^\s*\*?(sent|date|gesendet|datum|envoyé|enviado|fecha|verzonden|inviato|data|skickat|sendt)\s*:\*?\s+\S/i;
const SIGNATURE = /^-- ?$/;
const MOBILE_SIGNATURE = /^(sent from my (iphone|ipad|android|mobile|samsung|galaxy|phone|blackberry)|get outlook for (ios|android)|von meinem (iphone|ipad|smartphone) gesendet|envoyé de mon (iphone|ipad))\b/i;

/** Index of the first line that starts quoted history (attribution, Outlook header block, separator). */
function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    if (ORIGINAL_MESSAGE.test(line)) return i;
    if (ATTRIBUTION.some((re) => re.test(line))) return i;
    const next = (lines[i + 1] ?? "").trim();
    if (next && ATTRIBUTION.some((re) => re.test(`${line} ${next}`)) && /^(on|am|le|el|op|il giorno|em)\b/i.test(line)) return i;
    // Outlook: "From: …" followed within a few lines by "Sent: …" / "Date: …".
    if (HEADER_FROM.test(line)) {
      for (let j = i + 1; j < Math.min(lines.length, i + 5); j++) {
        if (HEADER_SENT.test(lines[j]!)) return OUTLOOK_RULE.test(lines[i - 1] ?? "") ? i - 1 : i;
      }
    }
  }
  return -1;
}

/** Index where a trailing "> " quote block starts, when everything after it is quote, blank or signature. */
function trailingQuoteStart(lines: string[]): number {
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*>/.test(line)) {
      if (start < 0) start = i;
    } else if (line.trim() === "") {
      continue;
    } else if (SIGNATURE.test(line.trimEnd()) || MOBILE_SIGNATURE.test(line.trim())) {
      break;
    } else if (start >= 0) {
      // Text after quoted lines: an inline answer; keep the whole message.
      start = -1;
      return -1;
    }
  }
  return start;
}

function signatureStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    if (SIGNATURE.test(lines[i]!.trimEnd())) return i;
  }
  // A mobile client's one-liner at the very end.
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (!line) continue;
    return MOBILE_SIGNATURE.test(line) ? i : -1;
  }
  return -1;
}

function trimLines(lines: string[]): string {
  // trimEnd, not /\s+$/: that regex is quadratic on a long whitespace run not at the end.
  return lines.join("\n").replace(/^\s*\n/, "").trimEnd();
}

/** New text vs. quoted history and signature. Never returns an empty body for a non-empty text. */
export function splitQuotedText(text: string | null | undefined): SplitText {
  const normalized = (text ?? "").replace(/\r\n?/g, "\n").replace(/\u00a0/g, " ");
  if (!normalized.trim()) return { body: "", quoted: null };
  const lines = normalized.split("\n");
  const candidates = [historyStart(lines), trailingQuoteStart(lines), signatureStart(lines)].filter((i) => i >= 0);
  const cut = candidates.length > 0 ? Math.min(...candidates) : -1;
  if (cut < 0) return { body: trimLines(lines), quoted: null };
  const body = trimLines(lines.slice(0, cut));
  const quoted = trimLines(lines.slice(cut));
  // Bottom-posted or quote-only mail: better the whole text than nothing.
  if (!body) return { body: trimLines(lines), quoted: null };
  return { body, quoted: quoted || null };
}

// Where mail clients start the quoted history in HTML. Found by parsing
// (htmlparser2, linear), not by regexes over the raw document: patterns like
// /<div[^>]*\bclass=["']?[^"'>]*\bgmail_quote\b/ backtrack quadratically, and
// a few hundred KB of "<div<div<div…" (anyone can mail us) took minutes.
function historyMarker(name: string, a: Record<string, string>): "history" | "outlook-header" | null {
  if (name === "div") {
    if (/\b(?:gmail_quote|moz-cite-prefix|yahoo_quoted)\b/i.test(a.class ?? "")) return "history";
    if (/^(?:divRplyFwdMsg|appendonsend)\b/i.test(a.id ?? "")) return "history";
    // Outlook's reply header: this bordered <div>, then <p><b>(<span>)From:
    if (/border-top\s*:\s*solid\s+#(?:E1E1E1|B5C4DF)/i.test(a.style ?? "")) return "outlook-header";
  }
  if (name === "blockquote" && /^cite\b/i.test(a.type ?? "")) return "history";
  if (name === "hr" && /^stopSpelling\b/i.test(a.id ?? "")) return "history";
  return null;
}

// Their content is never shown.
const HIDDEN = new Set(["style", "script", "head"]);

/**
 * The HTML up to the quoted history (before sanitising; the sanitiser closes
 * what the cut leaves open). Returns the input when no marker is found or when
 * the cut would leave no visible text.
 */
export function stripQuotedHtml(html: string): string {
  let cut = -1;
  let visibleBefore = false;
  let hidden = 0;
  let outlook: { at: number; step: number } | null = null;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (cut >= 0) return;
        if (HIDDEN.has(name)) hidden++;
        if (outlook) outlook = name === ["p", "b", "span"][outlook.step] ? { ...outlook, step: outlook.step + 1 } : null;
        const marker = historyMarker(name, attribs);
        if (marker === "history") {
          cut = parser.startIndex;
          parser.pause();
        } else if (marker === "outlook-header") outlook = { at: parser.startIndex, step: 0 };
      },
      onclosetag(name) {
        if (HIDDEN.has(name) && hidden > 0) hidden--;
      },
      ontext(text) {
        if (cut >= 0 || !text.trim()) return; // trim() also drops &nbsp; (decoded to U+00A0)
        if (outlook && outlook.step >= 2 && /^\s*From:/i.test(text)) {
          cut = outlook.at;
          parser.pause();
          return;
        }
        outlook = null;
        if (hidden === 0) visibleBefore = true;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  if (cut < 0) parser.end();
  return cut > 0 && visibleBefore ? html.slice(0, cut) : html;
}
