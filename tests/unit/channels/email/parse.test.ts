// MIME parsing of real-world shaped messages (fixtures under tests/fixtures/email).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEmail, syntheticMessageId } from "@/server/channels/email/parse";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "../../../fixtures/email", name));

describe("parseEmail", () => {
  it("reads a plain UTF-8 message and splits the signature", async () => {
    const p = await parseEmail(fixture("plain.eml"));
    expect(p.messageId).toBe("<plain-1@customer.test>");
    expect(p.from).toEqual({ address: "ann@customer.test", name: "Ann Example" });
    expect(p.subject).toBe("Cannot log in");
    expect(p.bodyText).toBe('Hello,\n\nI cannot log in since this morning. The page says "invalid token".\n\nThanks,\nAnn');
    expect(p.quotedText).toContain("ACME Corp");
    expect(p.bodyHtml).toBeNull();
    expect(p.isAutoReply).toBe(false);
  });

  it("reads HTML + text with an inline image and a PDF, sanitising the HTML", async () => {
    const p = await parseEmail(fixture("html-attachment.eml"));
    expect(p.bodyText).toBe("Please see the attached invoice — the total looks wrong.");
    expect(p.cc).toEqual([{ address: "bob@customer.test", name: "Bob Boss" }]);
    expect(p.bodyHtml).toContain("<b>invoice</b>");
    expect(p.bodyHtml).toContain('src="cid:logo@customer.test"');
    expect(p.bodyHtml).not.toMatch(/script|onclick|onerror|javascript:|iframe|<form|<style/i);
    const [logo, pdf] = p.attachments;
    expect(logo).toMatchObject({ filename: "logo.png", contentType: "image/png", contentId: "logo@customer.test" });
    expect(logo!.data!.subarray(1, 4).toString()).toBe("PNG");
    expect(pdf).toMatchObject({ filename: "invoice-42.pdf", contentType: "application/pdf" });
    expect(pdf!.data!.toString().startsWith("%PDF-1.4")).toBe(true);
    expect(pdf!.size).toBe(pdf!.data!.length);
  });

  it("decodes ISO-8859-1 quoted-printable bodies and encoded-word headers", async () => {
    const p = await parseEmail(fixture("iso-8859-1-qp.eml"));
    expect(p.from).toEqual({ address: "joerg@kunde.test", name: "Jörg Müller" });
    expect(p.subject).toBe("Beschädigte Lieferung");
    expect(p.bodyText).toContain("Grüße aus Köln!");
    expect(p.bodyText).toContain("beschädigt");
  });

  it("decodes Windows-1252 8-bit and Shift_JIS base64 bodies", async () => {
    expect((await parseEmail(fixture("windows-1252.eml"))).bodyText).toBe("“Smart quotes” cost 5€ — ok?");
    const sj = await parseEmail(fixture("shift-jis.eml"));
    expect(sj.subject).toBe("注文について");
    expect(sj.bodyText).toBe("お問い合わせありがとうございます。注文番号は12345です。");
    expect(sj.from?.name).toBe("山田");
  });

  it("reads Outlook's Thread-Index and splits its quoted header block", async () => {
    const p = await parseEmail(fixture("outlook-reply.eml"));
    expect(p.inReplyTo).toBeNull();
    expect(p.threadTopic).toBe("Cannot log in");
    expect(p.threadIndexRoot).toBe(Buffer.from("AQHZoAbCdEfGhIjKlMnOpQrStUvWxYZaBcDeFg==", "base64").subarray(0, 22).toString("base64"));
    expect(p.bodyText).toBe("It works again, thank you!");
    expect(p.quotedText).toContain("Please try again now.");
  });

  it("flags auto-replies and bounces, and finds the bounced Message-ID", async () => {
    const ooo = await parseEmail(fixture("auto-reply.eml"));
    expect(ooo).toMatchObject({ isAutoReply: true, isBounce: false });
    const bounce = await parseEmail(fixture("bounce.eml"));
    expect(bounce).toMatchObject({ isAutoReply: true, isBounce: true, bouncedMessageId: "<sent-1@throughline.test>" });
  });

  it("collects In-Reply-To into References, oldest first", async () => {
    const raw = Buffer.from("From: a@x.test\r\nTo: s@y.test\r\nSubject: Re: hi\r\nMessage-ID: <3@x>\r\nIn-Reply-To: <2@x>\r\nReferences: <1@x>\r\n\r\nok\r\n");
    const p = await parseEmail(raw);
    expect(p.inReplyTo).toBe("<2@x>");
    expect(p.references).toEqual(["<1@x>", "<2@x>"]);
  });

  it("derives the text from HTML-only mail", async () => {
    const raw = Buffer.from('From: a@x.test\r\nTo: s@y.test\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <b>there</b></p><p>Line two</p>\r\n');
    const p = await parseEmail(raw);
    expect(p.bodyText).toBe("Hello there\n\nLine two");
    expect(p.bodyHtml).toBe("<p>Hello <b>there</b></p><p>Line two</p>");
  });

  it("stores what it can of broken mail and makes a stable id when Message-ID is missing", async () => {
    const raw = Buffer.from("From: a@x.test\r\nContent-Type: multipart/mixed; boundary=nope\r\n\r\nno parts here at all\r\n");
    const p = await parseEmail(raw);
    expect(p.messageId).toBeNull();
    expect(p.platformMessageId).toMatch(/^<[0-9a-f]{40}@generated\.throughline>$/);
    // A relay adding trace headers does not change the id.
    const relayed = Buffer.concat([Buffer.from("Received: from mx by relay; Tue, 3 Mar 2026\r\nReturn-Path: <a@x.test>\r\n"), raw]);
    expect(syntheticMessageId(relayed)).toBe(p.platformMessageId);
    expect(syntheticMessageId(Buffer.from(raw.toString().replace("no parts", "other")))).not.toBe(p.platformMessageId);
  });
});
