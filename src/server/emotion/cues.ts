// Frustration cues read from an English message's text. Each is a plain,
// documented pattern (docs/emotion.md lists them); the scorer pulls the score
// down a little for each (./score.ts).
import type { FrustrationCue } from "./types";
import { sentences } from "./text";

/** All-caps words that are names, not shouting. */
export const ACRONYMS = new Set([
  "API", "PDF", "URL", "CSV", "SSO", "SLA", "VAT", "GDPR", "SCIM", "SAML", "AD", "ID", "IDS", "OK", "FAQ", "HTML", "JSON", "XML",
  "UTC", "CEO", "CTO", "IT", "HR", "PO", "USB", "VPN", "SMS", "BBB", "UI", "UX", "IOS", "DNS", "SSL", "TLS", "HTTP", "HTTPS", "IP",
  "AM", "PM", "EU", "US", "USA", "UK", "CRM", "ERP", "MFA", "FA", "OTP", "ASAP", "FYI", "ETA", "TV", "PC", "CC", "BCC", "QR", "SDK",
  "AWS", "GB", "MB", "KB", "TB", "CPU", "RAM", "SQL", "CSS", "JS", "PR", "QA", "NPS", "CSAT", "CES", "B2B", "SAAS", "IBAN", "BIC",
  "ERROR", "WARN", "INFO", "DEBUG", "GET", "POST", "PUT", "DELETE", "PATCH", "TODO", "N/A", "AI", "ML", "OAUTH", "LLC", "INC", "LTD", "GMBH",
]);

/** Escalation: asking for someone higher, threatening to leave or to go outside, calling it unacceptable. */
export const ESCALATION_PATTERNS: RegExp[] = [
  /\b(manager|supervisor|superior|escalat\w*)\b/i,
  /\b(lawyer|attorney|solicitor|legal action|sue you|take you to court|small claims)\b/i,
  /\bcancel(l?ing|l?ed)? (my|our|the) (account|subscription|plan|membership|contract|service)\b/i,
  /\b(refund\w*|chargeback|charge back|money back|dispute (the|this) charge)\b/i,
  /\b(unacceptable|not acceptable)\b/i,
  /\b(complaint|complain)\b/i,
  /\b(bbb|better business bureau|ombudsman|trading standards|consumer protection)\b/i,
  /\bworst\b/i,
];

/** The text itself says this is not the first time the customer asks. */
export const REPEATED_CONTACT_PATTERNS: RegExp[] = [
  /\b(second|third|fourth|fifth|2nd|3rd|4th|5th|\d+th) time\b/i,
  /\b(emailed|e-mailed|called|phoned|wrote|written|asked|contacted|messaged|chatted|reported|reached out|told you)\b[^.!?\n]{0,20}\b(twice|three times|four times|\d+ times|several times|multiple times|many times|again and again)\b/i,
  /\balready (sent|told|wrote|written|emailed|asked|explained|reported|contacted|called|provided|gave|submitted)\b/i,
  /\b(no one|nobody|no-one)( has| have|'s)? (replied|answered|responded|got back|gets back|replies|answers|responds)\b/i,
  /\b(got|received|had|heard) no (reply|answer|response)\b|\bno (reply|answer|response) (yet|since|so far)\b|\bstill no (reply|answer|response)\b|\bhaven'?t heard back\b/i,
  /\b(last|previous) (two|three|four|five|\d+|few) (agents|emails|tickets|messages|calls|times)\b|\bprevious (ticket|email|message|request|case)\b/i,
  /\bfollow(ing)?[- ]up on my\b/i,
];

/** Words that make "still" or "again" part of a complaint (a problem persists or recurs). */
const PROBLEM_CONTEXT =
  /\b(not|no|nothing|never|nobody|none|cannot|can't|won't|isn't|doesn't|didn't|hasn't|haven't|wasn't|aren't|don't|broken|broke|breaks?|down|fail\w*|error\w*|crash\w*|lock\w*|logged out|wrong|late|missing|lost|stuck|bug\w*|issues?|problems?|waiting|wait|same|yet|why|explain|without|closed|slow|again|still)\b|n't\b|\?\?|!!/i;

const CAPS_RUN = 3;
const CAPS_SHARE = 0.6;
const CAPS_MIN_LETTERS = 12;

function hasCaps(text: string): boolean {
  const words = text.match(/[\p{L}']+/gu) ?? [];
  let run = 0;
  let upper = 0;
  let letters = 0;
  for (const w of words) {
    const bare = w.replace(/'/g, "");
    if (ACRONYMS.has(bare.toUpperCase()) && bare === bare.toUpperCase()) continue;
    const ls = bare.match(/\p{L}/gu) ?? [];
    letters += ls.length;
    upper += ls.filter((c) => c !== c.toLowerCase()).length;
    if (ls.length < 2) continue; // "I", "A": neither shout nor break a shout
    if (bare === bare.toUpperCase() && bare !== bare.toLowerCase()) {
      run++;
      if (run >= CAPS_RUN) return true;
    } else run = 0;
  }
  return letters >= CAPS_MIN_LETTERS && upper / letters > CAPS_SHARE;
}

function inComplaint(text: string, word: RegExp, negativeText: boolean): boolean {
  return sentences(text).some((s) => {
    if (!word.test(s)) return false;
    if (word.source.includes("again") && /\b(n?ever)\b[^.!?]*\bagain\b/i.test(s)) return false; // "never again" is a farewell, not a recurrence
    const rest = s.replace(word, " ");
    return negativeText || PROBLEM_CONTEXT.test(rest);
  });
}

/** The cues in an English text. negativeText: the lexicon scored it below zero (a complaint context for "still"/"again"). */
export function detectCues(text: string, negativeText: boolean): FrustrationCue[] {
  const cues: FrustrationCue[] = [];
  if (REPEATED_CONTACT_PATTERNS.some((p) => p.test(text))) cues.push("repeated_contact");
  if (hasCaps(text)) cues.push("caps");
  if (inComplaint(text, /\bstill\b/i, negativeText)) cues.push("still");
  if (inComplaint(text, /\bagain\b/i, negativeText)) cues.push("again");
  if (ESCALATION_PATTERNS.some((p) => p.test(text))) cues.push("escalation");
  return cues;
}
