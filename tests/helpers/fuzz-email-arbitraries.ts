// Shared fast-check arbitraries for the email fuzzers (the parser here, the
// HTTP endpoint in tests/integration/promises/fuzz-inbound-http.test.ts): real
// fixtures truncated and corrupted, and generated "header soup" over nested,
// broken MIME with hostile HTML. Not a test file itself.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { fraction } from "./fuzz-json-arbitraries";

const FIXTURE_DIR = path.join(import.meta.dirname, "../fixtures/email");
export const FIXTURES = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith(".eml"))
  .map((f) => readFileSync(path.join(FIXTURE_DIR, f)));

export const fixtureArb = fc.constantFrom(...FIXTURES);

/** A real fixture cut at a random offset (a connection dropped mid-message). */
export const truncatedFixture = fc.tuple(fixtureArb, fraction).map(([raw, at]) => raw.subarray(0, Math.floor(raw.length * at)));

/** A real fixture with a few byte ranges overwritten by noise, deleted or duplicated. */
export const corruptedFixture = fc
  .tuple(
    fixtureArb,
    fc.array(fc.tuple(fraction, fc.constantFrom("overwrite", "delete", "duplicate", "insert"), fc.uint8Array({ minLength: 1, maxLength: 40 })), { minLength: 1, maxLength: 6 }),
  )
  .map(([raw, edits]) => {
    let out = Buffer.from(raw);
    for (const [at, op, noise] of edits) {
      const i = Math.floor(out.length * at);
      if (op === "overwrite") out = Buffer.concat([out.subarray(0, i), Buffer.from(noise), out.subarray(i + noise.length)]);
      else if (op === "delete") out = Buffer.concat([out.subarray(0, i), out.subarray(i + noise.length)]);
      else if (op === "duplicate") out = Buffer.concat([out.subarray(0, i), out.subarray(i, i + noise.length * 4), out.subarray(i)]);
      else out = Buffer.concat([out.subarray(0, i), Buffer.from(noise), out.subarray(i)]);
    }
    return out;
  });

const CHARSETS = ["utf-8", "UTF-8", "iso-8859-1", "windows-1252", "shift_jis", "iso-2022-jp", "utf-16", "utf-16le", "utf-7", "gb18030", "koi8-r", "x-bogus-charset", "", "\"", "utf-8\u0000"];

const encodedWord = fc
  .tuple(fc.constantFrom(...CHARSETS), fc.constantFrom("B", "Q", "b", "q", "X", ""), fc.string({ unit: "binary-ascii", maxLength: 60 }))
  .map(([cs, enc, text]) => `=?${cs}?${enc}?${text}?=`);

const NASTY_VALUES = [
  "",
  " ",
  "\t",
  "=?utf-8?B?!!!not base64?=",
  "=?x-bogus-charset?Q?caf=E9?=",
  "=?utf-8?Q?=FF=FE=00=00?=",
  "=?utf-16?B?2D3YPQ==?=",
  "=?utf-16le?B?ANg=?=",
  "=?utf-8?B?AA==?= <nul@example.test>",
  "=?utf-8?B?4oCu?= <rtl@example.test>",
  "<>",
  "<<@>>",
  "<a@b> <c@d",
  "not-an-address",
  '"Unclosed <ann@customer.test',
  "a@b, , ,<c@d.test>,,",
  "undisclosed-recipients:;",
  "group: ann@customer.test, bob@customer.test;, carl@customer.test",
  "=?utf-8?Q?Ann?= <ann@customer.test>, =?bogus?Q?x?= <@>",
  "Thu, 31 Feb 2026 25:61:61 +9999",
  "yesterday",
  "0",
  "-1",
  "Mon, 1 Jan 275760 00:00:00 +0000",
  "Tue, 3 Mar 2026 10:00:00 -0000 (UTC) (nested (comment)",
  "multipart/mixed",
  "multipart/mixed; boundary=",
  'multipart/mixed; boundary=""',
  "multipart/alternative; boundary=b1",
  "multipart/report; report-type=delivery-status; boundary=b1",
  "multipart/report; report-type=",
  "text/html; charset=x-unknown",
  "text/plain; charset=utf-7",
  "text/plain; charset*=utf-8''%FF%FE",
  "text/html; charset=\"",
  "message/rfc822",
  "base64",
  "quoted-printable",
  "x-uuencode",
  "8bit",
  "binary",
  "attachment; filename=\"../../etc/passwd\"",
  "attachment; filename*=utf-8''%00%2F..%5Cevil.exe",
  "inline; filename=\"=?utf-8?B?AAA=?=\"",
  "AQHZoAbCdEfGhIjKlMnOpQrStUvWxYZaBcDeFg==",
  "!!!",
  "AQ==",
  "auto-replied",
  "no",
  "bulk",
  "<" + "a".repeat(2000) + "@x>",
  "x".repeat(20_000),
  " ".repeat(5000),
  "\u0000",
  "a\u0000b@c.test",
  "\u0000<nul@id>",
  "\ud800",
  "\r\n\tfolded",
];

export const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_VALUES) },
  { weight: 2, arbitrary: encodedWord },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 120 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 120 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...NASTY_VALUES), encodedWord), { maxLength: 5 }).map((xs) => xs.join(" ")) },
);

const HEADER_NAMES = [
  "From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Content-Type",
  "Content-Transfer-Encoding", "Content-Disposition", "Content-ID", "MIME-Version", "Thread-Index", "Thread-Topic",
  "Auto-Submitted", "Precedence", "Delivered-To", "X-Original-To", "X-Autoreply", "X-Auto-Response", "Return-Path",
  "Received", "Sender", "Bcc",
];

const headerLine = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...HEADER_NAMES), headerValue).map(([n, v]) => `${n}: ${v}`) },
  // Broken header syntax: no colon, empty name, continuation first, bare CR.
  { weight: 1, arbitrary: fc.constantFrom("NoColonHere", ": empty name", " continuation without header", "From:\r", "X-\u0000: v", "Subject : spaced name") },
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 20 }), headerValue).map(([n, v]) => `${n}: ${v}`) },
);

// Script and event-handler vectors, including ones that rely on parser
// differentials, entity tricks and mail clients' quote markers.
export const XSS = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=https://evil.test/x.js></SCRIPT>",
  "<scr<script>ipt>alert(1)</scr</script>ipt>",
  "<img src=x onerror=alert(1)>",
  "<img src=\"https://ok.test/a.png\" onload=\"alert(1)\">",
  "<a href=\"javascript:alert(1)\">x</a>",
  "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
  "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
  "<a href=\" JaVaScRiPt:alert(1)\">x</a>",
  "<a href=\"vbscript:msgbox(1)\">x</a>",
  "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
  "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
  "<svg onload=alert(1)><script>alert(2)</script></svg>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
  "<iframe src=\"javascript:alert(1)\"></iframe>",
  "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
  "<object data=\"javascript:alert(1)\"></object><embed src=x>",
  "<form action=\"javascript:alert(1)\"><button formaction=\"javascript:alert(2)\">go</button></form>",
  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
  "<base href=\"javascript:/\">",
  "<link rel=stylesheet href=https://evil.test/x.css>",
  "<div style=\"background:url(javascript:alert(1))\">x</div>",
  "<div style=\"width: expression(alert(1))\">x</div>",
  "<p style=\"color:red;-moz-binding:url(x)\">x</p>",
  "<body onload=alert(1)>",
  "<details open ontoggle=alert(1)>",
  "<a href=\"https://ok.test\" onmouseover=alert(1)>ok</a>",
  "<!--<script>alert(1)</script>-->",
  "<![CDATA[<script>alert(1)</script>]]>",
  "<table background=\"javascript:alert(1)\"><td background=x>",
  "<img src=\"cid:logo@x\" onerror=\"alert(1)\">",
  "<video><source onerror=alert(1)></video>",
  "<template><script>alert(1)</script></template>",
  "<style>@import 'https://evil.test';</style>",
  "<div class=\"gmail_quote\">On Tue wrote:<script>alert(1)</script></div>",
  "<blockquote type=\"cite\"><img src=x onerror=alert(1)>",
  "<div id=\"divRplyFwdMsg\"",
  "<a href='javascript&colon;alert(1)'>x</a>",
  "<img \"\"\"><script>alert(1)</script>\">",
  "<img src=`x`onerror=alert(1)>",
  "<a/href=\"javascript:alert(1)\">x</a>",
  "<x onclick=alert(1)>x</x>",
];

export const htmlBody = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...XSS) },
      { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
      { weight: 2, arbitrary: fc.constantFrom("<p>", "</p>", "<div>", "</div>", "<b>", "<br>", "<table><tr><td>", "</td></tr></table>", "<", ">", "&", "&#0;", "&#xD800;", "&nbsp;", "\"", "'", "<!--", "-->", "<img src=\"https://ok.test/p.png\">") },
    ),
    { maxLength: 12 },
  )
  .map((xs) => xs.join(""));

const textBody = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.constantFrom(
    "Hello,\n\nthanks!\n\n-- \nAnn",
    "Reply above\n\nOn Tue, 3 Mar 2026 at 10:00, Ann <ann@x.test> wrote:\n> old",
    "> only quoted\n> text",
    "From: a\nSent: b\nquoted",
    "Sent from my iPhone",
    "\u0000\u0000\u0000",
    "=?utf-8?B?notdecoded?=",
  ),
);

/** Bytes that claim an encoding but are garbage in it. */
const encodedGarbage = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."ABCDEFabcdef0123456789+/=!-_ \r\n".split("")), maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(..."=0123456789ABCDEFXYZ\r\n \t".split("")), maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
);

type Part = { headers: string[]; body: string | Buffer } | { headers: string[]; boundary: string; announced: string; parts: Part[]; close: boolean };

const leafPart: fc.Arbitrary<Part> = fc
  .record({
    type: fc.constantFrom("text/plain", "text/html", "application/pdf", "image/png", "image/svg+xml", "message/rfc822", "message/delivery-status", "text/rfc822-headers", "text/calendar", "application/octet-stream", "", "text/x-bogus"),
    charset: fc.option(fc.constantFrom(...CHARSETS), { nil: undefined }),
    cte: fc.option(fc.constantFrom("base64", "quoted-printable", "7bit", "8bit", "binary", "x-uuencode", "BASE64", "garbage"), { nil: undefined }),
    disposition: fc.option(headerValue.map((v) => `Content-Disposition: ${v}`), { nil: undefined }),
    extra: fc.array(headerLine, { maxLength: 2 }),
    body: fc.oneof(htmlBody, textBody, encodedGarbage, fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.constantFrom(...FIXTURES)),
  })
  .map(({ type, charset, cte, disposition, extra, body }) => ({
    headers: [
      ...(type ? [`Content-Type: ${type}${charset !== undefined ? `; charset=${charset}` : ""}`] : []),
      ...(cte ? [`Content-Transfer-Encoding: ${cte}`] : []),
      ...(disposition ? [disposition] : []),
      ...extra,
    ],
    body,
  }));

const BOUNDARIES = ["b1", "b2", "=_Part_0", "--", "", "x".repeat(100), "b 1", "b\"q", "b1--"];

const part: fc.Arbitrary<Part> = fc.letrec<{ part: Part; multipart: Part }>((tie) => ({
  part: fc.oneof({ depthSize: "small", withCrossShrink: true }, leafPart, tie("multipart")),
  multipart: fc
    .record({
      subtype: fc.constantFrom("mixed", "alternative", "related", "report; report-type=delivery-status", "digest", "signed", "bogus"),
      boundary: fc.constantFrom(...BOUNDARIES),
      // Sometimes the parts use another boundary than the header announces.
      wrong: fc.option(fc.constantFrom(...BOUNDARIES), { nil: undefined, freq: 5 }),
      parts: fc.array(tie("part"), { maxLength: 4 }),
      close: fc.boolean(),
    })
    .map(({ subtype, boundary, wrong, parts, close }) => ({
      headers: [`Content-Type: multipart/${subtype}; boundary="${boundary}"`],
      boundary: wrong ?? boundary,
      announced: boundary,
      parts,
      close,
    })),
})).part;

function serialize(p: Part, eol: string): Buffer {
  const head = Buffer.from(p.headers.join(eol) + eol + eol, "utf8");
  if ("body" in p) return Buffer.concat([head, typeof p.body === "string" ? Buffer.from(p.body, "utf8") : p.body]);
  const chunks: Buffer[] = [head, Buffer.from(`preamble${eol}`)];
  for (const child of p.parts) chunks.push(Buffer.from(`${eol}--${p.boundary}${eol}`), serialize(child, eol));
  if (p.close) chunks.push(Buffer.from(`${eol}--${p.boundary}--${eol}epilogue`));
  return Buffer.concat(chunks);
}

/** A whole message: random top-level headers over a random (possibly nested, possibly broken) MIME tree. */
export const headerSoup = fc
  .record({ headers: fc.array(headerLine, { maxLength: 14 }), body: part, eol: fc.constantFrom("\r\n", "\n", "\r", "\n\r") })
  .map(({ headers, body, eol }) => Buffer.concat([Buffer.from(headers.join(eol) + eol, "utf8"), serialize(body, eol)]));
