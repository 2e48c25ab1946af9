// Regexes over text anyone can send us (mail headers, webhook payloads) that
// backtracked quadratically: each case below is an input of a size the code
// path allows on which the old pattern ran for many minutes, blocking the
// server; the linear code takes milliseconds. Nothing here measures speed (the
// test's timeout is the hang guard); the cases check the output, and the
// properties check that the linear code answers exactly as the old pattern did
// on ordinary input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeSubject, subjectKey } from "@/server/channels/email/headers";
import { addressLikeWords, parseEmail } from "@/server/channels/email/parse";
import { parseTelegramUpdate } from "@/server/channels/telegram/parse";
import type { SocialMessageEvent } from "@/server/channels/social/types";
import { InvalidIdentityError, normalizeEmail } from "@/server/customers/normalize";
import { fixture } from "../../fixtures/social/load";

const HANG_GUARD = { timeout: 60_000 };
// Strings made of the characters these patterns care about.
const soup = (chars: string[], maxLength = 40) => fc.string({ unit: fc.constantFrom(...chars), maxLength });

describe("email subjects: the ticket token next to a long whitespace run", () => {
  // Old: /\s*\[#\d{1,9}\]\s*/g, retried from every position of the run.
  it("normalizes a 1 MB subject with a long whitespace run", HANG_GUARD, () => {
    const subject = `Re: Refund [#12] now${" ".repeat(1_000_000)}please`;
    expect(normalizeSubject(subject)).toBe("Refund now please");
    expect(subjectKey(`[#7]A${"\t ".repeat(500_000)}B`)).toBe("a b");
  });

  it("strips tokens and their surrounding whitespace as before", () => {
    const before = (subject: string) => {
      const TOKEN_GLOBAL = /\s*\[#\d{1,9}\]\s*/g;
      const PREFIX = /^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|rif|tr|odp|ynt)(?:\s*\[\d+\]|\s*\(\d+\))?\s*[:：]\s*|\[(?:ext|external)\]\s*)/i;
      let s = subject.replace(TOKEN_GLOBAL, " ").replace(/\s+/g, " ").trim();
      for (let i = 0; i < 20; i++) {
        const next = s.replace(PREFIX, "").replace(TOKEN_GLOBAL, " ").trim();
        if (next === s) break;
        s = next;
      }
      return s;
    };
    const chars = [" ", "\t", "\n", "\u00a0", "[", "]", "#", "1", "2", "R", "e", ":", "(", ")", "x", "ext"];
    fc.assert(fc.property(soup(chars), (s) => normalizeSubject(s) === before(s)), { numRuns: 2000 });
  });
});

describe("email Delivered-To / X-Original-To: a long word without '@'", () => {
  const OLD = /[^\s<>,"]+@[^\s<>,"]+/g;

  // Old: /[^\s<>,"]+@[^\s<>,"]+/g scanned to the word's end from each of its positions.
  it("reads the addresses of a 900 KB Delivered-To header (the MIME parser allows 1 MB of headers)", HANG_GUARD, async () => {
    const raw = Buffer.from(
      `From: a@x.test\r\nTo: support@throughline.test\r\nDelivered-To: ${"a".repeat(900_000)} <support@throughline.test>\r\nSubject: hi\r\n\r\nhello\r\n`,
    );
    const p = await parseEmail(raw);
    expect(p.warnings).toEqual([]);
    expect(p.deliveredTo).toEqual(["support@throughline.test"]);
  });

  it("finds the same words as the old pattern", () => {
    const chars = [" ", "\t", "\r\n", "<", ">", ",", '"', "@", "a", "b", ".", ";", "\u00a0"];
    const same = (s: string) => {
      expect(addressLikeWords(s)).toEqual([...s.matchAll(OLD)].map((m) => m[0]));
    };
    fc.assert(fc.property(soup(chars), same), { numRuns: 2000 });
    expect(addressLikeWords(' "Ann" <ann@x.test>, bob@y.test ;@z a@ @b')).toEqual(["ann@x.test", "bob@y.test", ";@z"]);
  });
});

describe("normalizeEmail: a long domain with many dots that fails at its end", () => {
  // Old: the pattern ran before the length check; its "[^…]+\.[^…]+$" tries every dot.
  it("refuses a 1 MB address at once", HANG_GUARD, () => {
    expect(() => normalizeEmail(`a@${"a.".repeat(500_000)}a:`)).toThrow(InvalidIdentityError);
    expect(() => normalizeEmail(`a@${"a.".repeat(500_000)}a`)).toThrow(InvalidIdentityError);
  });

  it("still accepts and refuses what it did up to 320 characters", () => {
    expect(normalizeEmail(` ${"a".repeat(64)}@${"b.".repeat(126)}cd `)).toBe(`${"a".repeat(64)}@${"b.".repeat(126)}cd`);
    expect(() => normalizeEmail(`a@${"b.".repeat(159)}cd`)).toThrow(InvalidIdentityError);
  });
});

describe("Telegram contact and poll lines: a long whitespace run inside the name or question", () => {
  // Old: .replace(/\s+\]$/, "]"), retried from every position of the run.
  const update = (patch: (m: Record<string, unknown>) => void) => {
    const body = fixture("telegram-contact");
    patch(body.message);
    return body;
  };
  const textOf = (body: unknown) => (parseTelegramUpdate(body)[0] as SocialMessageEvent).text;

  it("parses a contact whose 1 MB first name is mostly whitespace", HANG_GUARD, () => {
    const run = " ".repeat(1_000_000);
    const text = textOf(update((m) => ((m.contact as Record<string, unknown>).first_name = `Grace${run}x`)));
    expect(text).toBe(`[contact Grace${run}x Hopper 4915199999999]`);
  });

  it("parses a poll whose 1 MB question is mostly whitespace", HANG_GUARD, () => {
    const run = "\n ".repeat(500_000);
    const text = textOf(update((m) => {
      delete m.contact;
      m.poll = { id: "1", question: `Lunch?${run}x${run}`, options: [] };
    }));
    expect(text).toBe(`[poll Lunch?${run}x]`);
  });

  it("drops the whitespace before the closing bracket as before", () => {
    const before = (line: string) => line.replace(/\s+\]$/, "]");
    const poll = (question: string) => textOf(update((m) => {
      delete m.contact;
      m.poll = { id: "1", question, options: [] };
    }));
    expect(poll("")).toBe("[poll]");
    expect(poll("  ")).toBe("[poll]");
    fc.assert(fc.property(soup([" ", "\t", "\n", "\u00a0", "\ufeff", "]", "a"]), (q) => poll(q) === before(`[poll ${q}]`)), { numRuns: 1000 });
  });
});
