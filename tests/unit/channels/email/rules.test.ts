// The email channel's pure rules: quote/signature splitting, subjects and
// tokens, machine-mail detection, HTML sanitising, Thread-Index, SMTP errors.
import { describe, expect, it } from "vitest";
import { splitQuotedText, stripQuotedHtml } from "@/server/channels/email/quote";
import {
  childThreadIndex,
  conversationThreadIndexRoot,
  detectMachineMail,
  guidOfThreadIndexRoot,
  normalizeMessageId,
  normalizeSubject,
  parseMessageIdList,
  replySubject,
  splitPlusAddress,
  subjectKey,
  subjectTicketNumber,
  threadIndexRoot,
} from "@/server/channels/email/headers";
import { sanitizeEmailHtml, textToHtml } from "@/server/channels/email/sanitize";
import { classifySmtpError } from "@/server/channels/email/send";
import { PermanentSendError, RetryableSendError } from "@/server/outbox/outbox";

const headers = (h: Record<string, unknown>) => new Map(Object.entries(h));

describe("splitQuotedText", () => {
  it("splits Gmail's 'On … wrote:' history", () => {
    const r = splitQuotedText("Thanks, that fixed it!\n\nOn Tue, 3 Mar 2026 at 10:00, Support <support@x.test> wrote:\n> Please restart the app.\n> Best");
    expect(r.body).toBe("Thanks, that fixed it!");
    expect(r.quoted).toMatch(/^On Tue.*wrote:\n> Please restart/);
  });

  it("handles an attribution wrapped over two lines", () => {
    const r = splitQuotedText("Yes please.\n\nOn Tue, 3 Mar 2026 at 10:00, Support Team <support@x.test>\nwrote:\n> Shall we refund?");
    expect(r.body).toBe("Yes please.");
    expect(r.quoted).toContain("Shall we refund?");
  });

  it("splits Outlook's From:/Sent: header block and its rule", () => {
    const r = splitQuotedText("It works again.\n\n________________________________\nFrom: Support <support@x.test>\nSent: Tuesday, March 3, 2026 12:30 PM\nTo: Ann\nSubject: Re: Login\n\nPlease try again.");
    expect(r.body).toBe("It works again.");
    expect(r.quoted).toMatch(/^_{10,}\nFrom: Support/);
  });

  it("splits German Outlook headers and '-----Original Message-----'", () => {
    expect(splitQuotedText("Danke!\n\nVon: Support <s@x.test>\nGesendet: Dienstag, 3. März 2026 12:30\nAn: Jörg").body).toBe("Danke!");
    const r = splitQuotedText("See below.\n-----Original Message-----\nFrom: a@b.test\nhello");
    expect(r.body).toBe("See below.");
    expect(r.quoted).toMatch(/^-----Original Message-----/);
  });

  it("splits a trailing '> ' quote block but keeps inline answers whole", () => {
    expect(splitQuotedText("Sounds good.\n\n> Can we call tomorrow?\n> At 10?").body).toBe("Sounds good.");
    const inline = "> Can we call tomorrow?\nYes.\n> At 10?\nBetter 11.";
    expect(splitQuotedText(inline)).toEqual({ body: inline, quoted: null });
  });

  it("splits the '-- ' signature and mobile one-liners", () => {
    const r = splitQuotedText("Order 123 is late.\n\n-- \nAnn Example\nACME Corp");
    expect(r.body).toBe("Order 123 is late.");
    expect(r.quoted).toBe("-- \nAnn Example\nACME Corp");
    expect(splitQuotedText("Ok thanks\n\nSent from my iPhone").body).toBe("Ok thanks");
  });

  it("never returns an empty body for a quote-only or empty message", () => {
    expect(splitQuotedText("> only a quote")).toEqual({ body: "> only a quote", quoted: null });
    expect(splitQuotedText("")).toEqual({ body: "", quoted: null });
    expect(splitQuotedText("Just text\r\nwith CRLF")).toEqual({ body: "Just text\nwith CRLF", quoted: null });
  });
});

describe("stripQuotedHtml", () => {
  it("cuts at Gmail's and Outlook's quote containers", () => {
    expect(stripQuotedHtml('<div>New</div><div class="gmail_quote"><div>On … wrote:</div><blockquote>old</blockquote></div>')).toBe("<div>New</div>");
    expect(stripQuotedHtml('<p>Fixed</p><div id="divRplyFwdMsg"><b>From:</b> x</div><div>old</div>')).toBe("<p>Fixed</p>");
    expect(stripQuotedHtml('<p>Hi</p><blockquote type="cite">old</blockquote>')).toBe("<p>Hi</p>");
  });
  it("keeps the whole HTML when the cut would leave nothing", () => {
    const html = '<div class="gmail_quote">only quote</div>';
    expect(stripQuotedHtml(html)).toBe(html);
  });
});

describe("subjects and tokens", () => {
  it("strips reply and forward prefixes in several languages and the token", () => {
    expect(normalizeSubject("Re: RE: Fwd: Refund")).toBe("Refund");
    expect(normalizeSubject("AW: WG: Rechnung")).toBe("Rechnung");
    expect(normalizeSubject("SV: Re[2]: Faktura")).toBe("Faktura");
    expect(normalizeSubject("Re: Refund [#1234]")).toBe("Refund");
    expect(normalizeSubject("[#1234] Re: Refund")).toBe("Refund");
    expect(normalizeSubject("  Reply needed  ")).toBe("Reply needed");
    expect(normalizeSubject(null)).toBe("");
    expect(subjectKey("RE: refund")).toBe(subjectKey("Refund [#9]"));
  });

  it("finds ticket tokens in subjects and plus-addresses", () => {
    expect(subjectTicketNumber("Re: Refund [#1234]")).toBe(1234);
    expect(subjectTicketNumber("Refund #1234")).toBeNull();
    expect(splitPlusAddress("Support+t77@Throughline.test")).toEqual({ base: "support@throughline.test", ticket: 77 });
    expect(splitPlusAddress("support+news@throughline.test")).toEqual({ base: "support@throughline.test", ticket: null });
    expect(splitPlusAddress("support@throughline.test")).toEqual({ base: "support@throughline.test", ticket: null });
  });

  it("builds reply subjects with one Re: and the token", () => {
    expect(replySubject("Re: Refund [#12]", 12)).toBe("Re: Refund [#12]");
    expect(replySubject("Refund", 12)).toBe("Re: Refund [#12]");
    expect(replySubject(null, 3)).toBe("Re: Your request [#3]");
  });

  it("normalises Message-IDs and id lists", () => {
    expect(normalizeMessageId(" <a@b> ")).toBe("<a@b>");
    expect(normalizeMessageId("a@b")).toBe("<a@b>");
    expect(normalizeMessageId("")).toBeNull();
    expect(parseMessageIdList("<a@x> <b@x>\r\n <c@x>")).toEqual(["<a@x>", "<b@x>", "<c@x>"]);
    expect(parseMessageIdList(["<a@x>", "<a@x>"])).toEqual(["<a@x>"]);
    expect(parseMessageIdList("a@x")).toEqual(["<a@x>"]);
  });
});

describe("Thread-Index", () => {
  it("takes the first 22 bytes as the thread key", () => {
    const root = Buffer.alloc(22, 7).toString("base64");
    const reply = Buffer.concat([Buffer.alloc(22, 7), Buffer.alloc(5, 1)]).toString("base64");
    expect(threadIndexRoot(reply)).toBe(root);
    expect(threadIndexRoot("short")).toBeNull();
    expect(threadIndexRoot("not base64!")).toBeNull();
  });

  it("our own roots carry the conversation id and children keep the root", () => {
    const id = "0192f3c4-5678-7abc-8def-0123456789ab";
    const root = conversationThreadIndexRoot(id, new Date("2026-03-03T10:00:00Z"));
    expect(guidOfThreadIndexRoot(root)).toBe(id);
    const child = childThreadIndex(root, new Date("2026-03-04T10:00:00Z"));
    expect(Buffer.from(child, "base64")).toHaveLength(27);
    expect(threadIndexRoot(child)).toBe(root);
  });
});

describe("detectMachineMail", () => {
  it("recognises auto-replies by RFC 3834 and vendor headers", () => {
    expect(detectMachineMail(headers({ "auto-submitted": "auto-replied" }), "a@x.test").isAutoReply).toBe(true);
    expect(detectMachineMail(headers({ "auto-submitted": "auto-generated" }), "a@x.test").isAutoReply).toBe(true);
    expect(detectMachineMail(headers({ "auto-submitted": "no" }), "a@x.test").isAutoReply).toBe(false);
    for (const p of ["bulk", "junk", "list", "auto_reply"]) expect(detectMachineMail(headers({ precedence: p }), "a@x.test").isAutoReply).toBe(true);
    expect(detectMachineMail(headers({ precedence: "first-class" }), "a@x.test").isAutoReply).toBe(false);
    expect(detectMachineMail(headers({ "x-autoreply": "yes" }), "a@x.test").isAutoReply).toBe(true);
    expect(detectMachineMail(headers({ "x-autorespond": "Out of office" }), "a@x.test").isAutoReply).toBe(true);
    expect(detectMachineMail(headers({}), "a@x.test")).toEqual({ isAutoReply: false, isBounce: false, reason: null });
  });

  it("recognises bounces by report type and sender", () => {
    const report = detectMachineMail(headers({ "content-type": { value: "multipart/report", params: { "report-type": "delivery-status" } } }), "x@y.test");
    expect(report).toMatchObject({ isAutoReply: true, isBounce: true });
    expect(detectMachineMail(headers({ "content-type": "multipart/report; report-type=\"delivery-status\"" }), "x@y.test").isBounce).toBe(true);
    expect(detectMachineMail(headers({}), "MAILER-DAEMON@mx.test")).toMatchObject({ isAutoReply: true, isBounce: true });
    expect(detectMachineMail(headers({}), "postmaster@mx.test")).toMatchObject({ isAutoReply: true, isBounce: true });
  });
});

describe("sanitizeEmailHtml", () => {
  it("removes scripts, event handlers, javascript: links and dangerous elements", () => {
    const out = sanitizeEmailHtml(
      '<p onclick="x()" style="color:red;background:url(javascript:alert(1))">Hi<script>alert(1)</script></p>' +
        '<img src="https://x.test/a.png" onerror="alert(2)"><a href="javascript:alert(3)">bad</a><a href="JaVaScRiPt:alert(4)">bad2</a>' +
        '<iframe src="https://evil.test"></iframe><form action="https://evil.test"><input name="q"><button>go</button></form>' +
        '<svg><script>alert(5)</script></svg><object data="x"></object><style>body{display:none}</style>',
    );
    expect(out).not.toMatch(/script|onclick|onerror|javascript:|iframe|<form|<input|<svg|<object|<style|url\(/i);
    expect(out).toContain("Hi");
    expect(out).toContain('src="https://x.test/a.png"');
    expect(out).toContain("color:red");
  });

  it("forces safe link attributes and allows only safe image sources", () => {
    const out = sanitizeEmailHtml('<a href="https://ok.test" target="_self" rel="opener">ok</a>');
    expect(out).toContain('rel="noopener noreferrer nofollow"');
    expect(out).toContain('target="_blank"');
    expect(sanitizeEmailHtml('<img src="cid:logo@x">')).toContain('src="cid:logo@x"');
    // Kept on the way in; blocked at display (tests/unit/images/remote-images.test.ts).
    expect(sanitizeEmailHtml('<img src="http://tracker.test/p.gif">')).toContain('src="http://tracker.test/p.gif"');
    expect(sanitizeEmailHtml('<img src="data:image/png;base64,iVBORw0KGgo=">')).toContain("data:image/png");
    expect(sanitizeEmailHtml('<img src="data:image/svg+xml;base64,PHN2Zz4=">')).not.toContain("<img");
    expect(sanitizeEmailHtml('<div style="width: expression(alert(1))">x</div>')).not.toContain("expression");
    // A newline inside the value does not hide a url( from the check.
    expect(sanitizeEmailHtml('<div style="border: 1px\nurl(//evil.test/x.png)">x</div>')).not.toContain("url(");
  });

  it("turns plain text into escaped HTML with links", () => {
    expect(textToHtml("a <b> & c\nsee https://x.test/p?q=1.")).toBe('<p>a &lt;b&gt; &amp; c<br>see <a href="https://x.test/p?q=1" target="_blank" rel="noopener noreferrer nofollow">https://x.test/p?q=1</a>.</p>');
  });
});

describe("classifySmtpError", () => {
  it("5xx is permanent, 4xx and network errors are retryable", () => {
    expect(classifySmtpError(Object.assign(new Error("rejected"), { responseCode: 550, response: "550 5.1.1 no such user" }))).toBeInstanceOf(PermanentSendError);
    expect(classifySmtpError(Object.assign(new Error("later"), { responseCode: 451, response: "451 4.3.0 try later" }))).toBeInstanceOf(RetryableSendError);
    expect(classifySmtpError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNECTION" }))).toBeInstanceOf(RetryableSendError);
    expect(classifySmtpError(Object.assign(new Error("No recipients defined"), { code: "EENVELOPE" }))).toBeInstanceOf(PermanentSendError);
  });
});
