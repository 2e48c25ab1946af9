// Property-based fuzzing of the inbound email parsing path (mailparser →
// part selection → HTML sanitising → quote/signature split → threading
// headers): random bytes, truncated and corrupted real fixtures, and
// generated "header soup" with nested, broken MIME. parseEmail is declared
// never to throw for bad content, so the property is: it returns, in bounded
// time, a result of the declared shape whose HTML is safe to render and whose
// every string PostgreSQL will store (no NUL, no lone UTF-16 surrogate).
// fast-check prints the seed and the shrunk counterexample on failure.
import fc from "fast-check";
import { parseDocument } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { parseEmail, type EmailAddress, type ParsedEmail } from "@/server/channels/email/parse";
import { corruptedFixture, headerSoup, htmlBody, truncatedFixture } from "../../helpers/fuzz-email-arbitraries";

// Per-run limit: a parse that takes longer counts as a hang.
const RUN_TIMEOUT_MS = 10_000;
// FUZZ_SEED replays a reported failure; FUZZ_RUNS multiplies the runs for a longer hunt.
const params = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: Math.round(numRuns * Number(process.env.FUZZ_RUNS ?? 1)),
  timeout: RUN_TIMEOUT_MS,
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
});

// ---------------------------------------------------------------- checks

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every string of the result (keys too), with its path; Buffers and Dates are not strings. */
function* strings(value: unknown, at = "result"): Generator<[string, string]> {
  if (typeof value === "string") yield [at, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${at}[${i}]`);
  else if (value && typeof value === "object" && !Buffer.isBuffer(value) && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      yield [`${at} key`, k];
      yield* strings(v, `${at}.${k}`);
    }
  }
}

const isStringOrNull = (v: unknown) => v === null || typeof v === "string";

function expectAddress(a: EmailAddress) {
  expect(typeof a.address).toBe("string");
  expect(a.address).toContain("@");
  expect(isStringOrNull(a.name)).toBe(true);
}

// What sanitize-html may leave (src/server/channels/email/sanitize.ts); anything else is a leak.
const ALLOWED_TAGS = new Set(
  "a abbr address b bdi bdo big blockquote br caption center cite code col colgroup dd del dfn div dl dt em figcaption figure font h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strike strong sub sup table tbody td tfoot th thead time tr tt u ul var wbr".split(" "),
);
const URL_ATTRIBUTES = new Set(["href", "src", "cite", "action", "formaction", "background", "poster", "xlink:href", "data", "srcset"]);

type Node = { type: string; name?: string; attribs?: Record<string, string>; children?: Node[] };

/** Sanitised HTML must not be able to run code when rendered. */
function expectSafeHtml(html: string) {
  // The literal checks first (as a reviewer would grep), then a real parse.
  expect(html).not.toMatch(/<\s*\/?\s*script/i);
  const walk = (node: Node) => {
    if (node.type === "tag" || node.type === "script" || node.type === "style") {
      const name = node.name!.toLowerCase();
      expect(ALLOWED_TAGS.has(name), `tag <${name}> survived sanitising`).toBe(true);
      for (const [attr, value] of Object.entries(node.attribs ?? {})) {
        expect(attr.toLowerCase().startsWith("on"), `event handler ${attr} on <${name}>`).toBe(false);
        // Browsers ignore whitespace and control characters inside a scheme.
        const compact = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
        if (URL_ATTRIBUTES.has(attr.toLowerCase())) {
          expect(compact, `${attr} of <${name}>`).not.toMatch(/^(javascript|vbscript|livescript):/);
          if (compact.startsWith("data:")) expect(compact, `${attr} of <${name}>`).toMatch(/^data:image\/(png|jpe?g|gif|webp);base64,/);
        }
        if (attr.toLowerCase() === "style") expect(compact).not.toMatch(/url\(|expression\(|javascript:|@import|behavior/);
      }
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(parseDocument(html, { decodeEntities: true }) as unknown as Node);
}

/** The declared shape of ParsedEmail, HTML safety and storability. */
function expectWellFormed(p: ParsedEmail) {
  expect(isStringOrNull(p.messageId)).toBe(true);
  if (p.messageId) expect(p.messageId).toMatch(/^<[^<>\s]+>$/);
  expect(typeof p.platformMessageId).toBe("string");
  expect(p.platformMessageId).toMatch(/^<[^<>\s]+>$/);
  expect(isStringOrNull(p.inReplyTo)).toBe(true);
  expect(Array.isArray(p.references)).toBe(true);
  for (const r of p.references) expect(r).toMatch(/^<[^<>\s]+>$/);
  if (p.inReplyTo) expect(p.references).toContain(p.inReplyTo);
  if (p.from !== null) expectAddress(p.from);
  for (const list of [p.replyTo, p.to, p.cc]) {
    expect(Array.isArray(list)).toBe(true);
    list.forEach(expectAddress);
  }
  expect(Array.isArray(p.deliveredTo)).toBe(true);
  for (const d of p.deliveredTo) expect(d).toContain("@");
  expect(typeof p.subject).toBe("string");
  expect(p.subject).not.toMatch(/[\r\n]/);
  if (p.date !== null) {
    expect(p.date).toBeInstanceOf(Date);
    expect(Number.isNaN(p.date.getTime())).toBe(false);
  }
  expect(typeof p.bodyText).toBe("string");
  expect(isStringOrNull(p.quotedText)).toBe(true);
  expect(isStringOrNull(p.bodyHtml)).toBe(true);
  if (p.bodyHtml !== null) {
    expect(p.bodyHtml.trim()).not.toBe("");
    expectSafeHtml(p.bodyHtml);
  }
  expect(Array.isArray(p.attachments)).toBe(true);
  for (const a of p.attachments) {
    expect(typeof a.filename).toBe("string");
    expect(a.filename.length).toBeGreaterThan(0);
    expect(a.filename.length).toBeLessThanOrEqual(255);
    expect(a.filename).not.toMatch(/[\u0000-\u001f\u007f/\\]/);
    expect(typeof a.contentType).toBe("string");
    expect(Number.isInteger(a.size) && a.size >= 0).toBe(true);
    expect(Buffer.isBuffer(a.data)).toBe(true);
  }
  for (const flag of [p.isAutoReply, p.isBounce]) expect(typeof flag).toBe("boolean");
  if (p.isBounce) expect(p.isAutoReply).toBe(true);
  expect(isStringOrNull(p.autoReplyReason)).toBe(true);
  expect(isStringOrNull(p.threadIndex)).toBe(true);
  expect(isStringOrNull(p.threadIndexRoot)).toBe(true);
  if (p.threadIndexRoot) expect(Buffer.from(p.threadIndexRoot, "base64").length).toBe(22);
  expect(isStringOrNull(p.threadTopic)).toBe(true);
  expect(isStringOrNull(p.bouncedMessageId)).toBe(true);
  expect(Array.isArray(p.warnings)).toBe(true);
  // Everything here ends up in text, text[] and jsonb columns: PostgreSQL
  // refuses NUL in all of them and lone surrogates in jsonb.
  for (const [where, s] of strings(p)) {
    expect(s.includes("\u0000"), `NUL in ${where}`).toBe(false);
    expect(LONE_SURROGATE.test(s), `lone surrogate in ${where}`).toBe(false);
  }
}

async function parsesWellFormed(raw: Buffer) {
  expectWellFormed(await parseEmail(raw));
}

// ---------------------------------------------------------------- properties

// Generous: a shared 2-core machine; the runs themselves take a few seconds.
const TEST_TIMEOUT_MS = 60_000 * Number(process.env.FUZZ_RUNS ?? 1);

describe("parseEmail under fuzzing (never throws, never hangs, always well-formed and safe)", { timeout: TEST_TIMEOUT_MS }, () => {
  it("random bytes", async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)), parsesWellFormed), params(200));
  });

  it("real fixtures truncated at a random offset", async () => {
    await fc.assert(fc.asyncProperty(truncatedFixture, parsesWellFormed), params(200));
  });

  it("real fixtures with corrupted, deleted, duplicated and inserted byte ranges", async () => {
    await fc.assert(fc.asyncProperty(corruptedFixture, parsesWellFormed), params(200));
  });

  it("header soup: broken encodings, bogus charsets, malformed and nested MIME, huge/empty headers, bad dates, base64/QP garbage, hostile HTML", async () => {
    await fc.assert(fc.asyncProperty(headerSoup, parsesWellFormed), params(300));
  });

  it("HTML-only mail with hostile markup is sanitised", async () => {
    const htmlMail = fc
      .tuple(htmlBody, fc.constantFrom("7bit", "quoted-printable", "base64"))
      .map(([html, cte]) => {
        const body = cte === "base64" ? Buffer.from(html, "utf8").toString("base64") : cte === "quoted-printable" ? html.replace(/=/g, "=3D") : html;
        return Buffer.from(`From: a@x.test\r\nTo: support@throughline.test\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n${body}\r\n`, "utf8");
      });
    await fc.assert(fc.asyncProperty(htmlMail, parsesWellFormed), params(300));
  });
});

// Shrunk counterexamples the fuzzers found, kept as explicit cases.
describe("parseEmail regressions found by fuzzing", () => {
  it("drops NUL characters (a NUL after the charset made the whole body NUL-bearing; PostgreSQL refuses NUL)", async () => {
    const raw = Buffer.from('\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\npreamble\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\u0000\r\n\r\n', "utf8");
    await parsesWellFormed(raw);
    const body = await parseEmail(Buffer.from("From: a@x.test\r\nSubject: nul\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\u0000 am out of the office\u0000\r\n", "utf8"));
    expect(body.bodyText).toBe(" am out of the office");
  });

  it("replaces lone surrogates decoded from a UTF-16 encoded word (jsonb refuses them)", async () => {
    const p = await parseEmail(Buffer.from("From: =?utf-16le?B?ANg=?= <a@x.test>\r\nSubject: =?utf-16le?B?ANg=?=\r\n\r\nhi\r\n"));
    expect(p.subject).toBe("\ufffd");
    expect(p.from).toEqual({ address: "a@x.test", name: "\ufffd" });
  });

  it("has no HTML body when the HTML is only NUL and whitespace, or sanitises to whitespace", async () => {
    const mail = (html: string) =>
      Buffer.from(`From: a@x.test\r\nTo: support@throughline.test\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${html}\r\n`, "utf8");
    for (const html of ["\u0000", "\u0000 \u0000\r\n", "<script>alert(1)</script> \r\n"]) {
      const p = await parseEmail(mail(html));
      expectWellFormed(p);
      expect(p.bodyHtml).toBeNull();
    }
  });

  it("keeps a Message-ID well-formed when a bare CR runs the header into the next ones", async () => {
    const raw = Buffer.from("Message-ID: \rContent-Type: text/plain\r\rFrom: Ann Example <ann@customer.test>\r\nTo: support@throughline.test\r\nSubject: x\r\n\r\nbody\r\n");
    const p = await parseEmail(raw);
    expectWellFormed(p);
    expect(p.messageId).toBe("<ann@customer.test>");
  });
});

// "Never hangs" at sizes the fuzzers above never reach (their bodies are a
// few KB): regexes in the quote/signature split backtracked quadratically, so
// 200 KB of crafted body (anyone can mail us) took from 7 s to over a minute,
// blocking the server. At 1 MB the old code takes many minutes, the linear
// code about a second: the test's timeout is the hang guard, nothing here
// measures speed.
describe("parseEmail stays linear on pathological input", () => {
  const SIZE = 1_000_000;
  const mail = (type: string, body: string) =>
    Buffer.from(`From: a@x.test\r\nTo: support@throughline.test\r\nSubject: big\r\nContent-Type: ${type}; charset=utf-8\r\n\r\n${body}\r\n`, "utf8");
  const marker = '<blockquote type="cite">old</blockquote>';
  const cases: [string, Buffer][] = [
    ["text: a long whitespace run inside the body (/\\s+$/ trimming)", mail("text/plain", `hi${" ".repeat(SIZE)}x`)],
    ["text: a dated attribution line with a long '<@@@…' (date attribution pattern)", mail("text/plain", `2020-01-01 <${"@".repeat(SIZE)}`)],
    ["html: '<div' repeated without '>' (every history marker)", mail("text/html", `x${"<div".repeat(SIZE / 4)}`)],
    ["html: one <div with 'class=' repeated (gmail_quote and friends)", mail("text/html", `x<div${" class=".repeat(SIZE / 7)}`)],
    ["html: '<' repeated before a quote marker (visible-text check)", mail("text/html", `x${"<".repeat(SIZE)}${marker}`)],
    ["html: unclosed '<style' repeated before a quote marker (visible-text check)", mail("text/html", `x${"<style".repeat(SIZE / 6)}${marker}`)],
  ];

  it.each(cases)("%s", { timeout: 60_000 }, async (_name, raw) => {
    expectWellFormed(await parseEmail(raw));
  });
});
