// The inbound SMTP server of the real app (server.ts as a child process),
// driven by Nodemailer and by Python's smtplib (scripts/smtp-send.py): MIME
// variants landing on one customer, threading (References, Outlook
// Thread-Index, ticket token, plus-address), 550 / 552 / 451, auto-replies that
// must not reopen, and idempotent retries.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import nodemailer from "nodemailer";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../../helpers/db";
import { startAppServer, type AppServer } from "../../../helpers/app-server";

const run = promisify(execFile);
const FIXTURES = path.resolve(import.meta.dirname, "../../../fixtures/email");
const SCRIPT = path.resolve(import.meta.dirname, "../../../../scripts/smtp-send.py");
const CUSTOMER = "ann@customer.test";
const MAX_BYTES = 200_000;

let t: TestDatabase;
let app: AppServer;
let inboxId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const inbox = await t.prisma.inbox.create({ data: { name: "Support", channel: "email", publicId: "support@throughline.test", secretEnv: { token: "DEMO_INBOX_TOKEN" } } });
  inboxId = inbox.id;
  app = await startAppServer({ databaseUrl: t.url, seed: false, env: { EMAIL_MAX_BYTES: String(MAX_BYTES) } });
});

afterAll(async () => {
  await app?.stop();
  await t?.drop();
});

type PyResult = { ok: boolean; code: number | null; message: string; stage?: string };

async function pySend(args: string[]): Promise<PyResult> {
  try {
    const { stdout } = await run("python3", [SCRIPT, "127.0.0.1", String(app.smtpPort), ...args], { timeout: 60_000 });
    return JSON.parse(stdout.trim().split("\n").at(-1)!) as PyResult;
  } catch (error) {
    const e = error as { stdout?: string; message: string };
    if (e.stdout?.trim()) return JSON.parse(e.stdout.trim().split("\n").at(-1)!) as PyResult;
    throw error;
  }
}

/** A fixture with its From/Message-ID replaced, written to a temp file for smtplib. */
function fixture(name: string, replace: [string | RegExp, string][] = []): Buffer {
  let text = readFileSync(path.join(FIXTURES, name)).toString("latin1");
  for (const [a, b] of replace) text = text.replace(a, b);
  return Buffer.from(text, "latin1");
}

async function pySendRaw(raw: Buffer, to = "support@throughline.test", from = CUSTOMER): Promise<PyResult> {
  const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
  const os = await import("node:os");
  const dir = mkdtempSync(path.join(os.tmpdir(), "tl-eml-"));
  const file = path.join(dir, "message.eml");
  writeFileSync(file, raw);
  try {
    return await pySend([from, to, "--eml", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function transport() {
  return nodemailer.createTransport({ host: "127.0.0.1", port: app.smtpPort, secure: false, ignoreTLS: true, connectionTimeout: 10_000 });
}

async function messageByMid(mid: string) {
  return t.prisma.message.findUnique({ where: { inboxId_platformMessageId: { inboxId, platformMessageId: mid } }, include: { attachments: true, event: true, conversation: true } });
}

describe("receiving mail", () => {
  let firstConversation: string;

  it("stores a plain message sent with Nodemailer (250 only once stored)", async () => {
    const info = await transport().sendMail({
      from: `"Ann Example" <${CUSTOMER}>`,
      to: "Support@Throughline.test",
      subject: "Cannot log in",
      text: "Hello,\n\nI cannot log in since this morning.\n\n-- \nAnn",
      messageId: "<nm-plain-1@customer.test>",
    });
    expect(info.response).toMatch(/^250/);
    const m = await messageByMid("<nm-plain-1@customer.test>");
    expect(m).not.toBeNull();
    expect(m!.bodyText).toBe("Hello,\n\nI cannot log in since this morning.");
    expect(m!.quotedText).toBe("-- \nAnn");
    expect(m!.direction).toBe("inbound");
    expect(m!.conversation.subject).toBe("Cannot log in");
    expect(m!.conversation.externalThreadKey).toBe("<nm-plain-1@customer.test>");
    const identity = await t.prisma.customerIdentity.findUniqueOrThrow({ where: { kind_value: { kind: "email", value: CUSTOMER } }, include: { customer: true } });
    expect(identity).toMatchObject({ verified: true, source: "email_from" });
    expect(identity.customer.name).toBe("Ann Example");
    expect(m!.event!.customerId).toBe(identity.customerId);
    firstConversation = m!.conversationId;
  });

  it("stores an HTML + text message with an inline image and a PDF sent with smtplib", async () => {
    const r = await pySendRaw(fixture("html-attachment.eml"));
    expect(r).toMatchObject({ ok: true, code: 250 });
    const m = await messageByMid("<html-1@customer.test>");
    expect(m!.bodyText).toBe("Please see the attached invoice — the total looks wrong.");
    expect(m!.cc).toEqual(["bob@customer.test"]);
    expect(m!.bodyHtml).not.toMatch(/script|onclick|onerror|javascript:|iframe|<form/i);
    const logo = m!.attachments.find((a) => a.filename === "logo.png")!;
    const pdf = m!.attachments.find((a) => a.filename === "invoice-42.pdf")!;
    expect(logo).toMatchObject({ contentType: "image/png", contentId: "logo@customer.test" });
    expect(Buffer.from(pdf.data!).toString().startsWith("%PDF-1.4")).toBe(true);
    // Inline images point at the download route once stored.
    expect(m!.bodyHtml).toContain(`src="/api/attachments/${logo.id}"`);
  });

  it("stores an ISO-8859-1 quoted-printable message from the same customer", async () => {
    const r = await pySendRaw(fixture("iso-8859-1-qp.eml", [["joerg@kunde.test", CUSTOMER]]));
    expect(r.ok).toBe(true);
    const m = await messageByMid("<latin1-1@kunde.test>");
    expect(m!.bodyText).toContain("Grüße aus Köln!");
    expect(m!.subject).toBe("Beschädigte Lieferung");
  });

  it("threads a reply by In-Reply-To into the first conversation, all on one customer", async () => {
    const info = await transport().sendMail({
      from: CUSTOMER,
      to: "support@throughline.test",
      subject: "Something else entirely",
      text: "Any news?\n\nOn Tue, 3 Mar 2026 at 10:00, Ann <ann@customer.test> wrote:\n> I cannot log in",
      messageId: "<nm-reply-1@customer.test>",
      inReplyTo: "<nm-plain-1@customer.test>",
      references: ["<nm-plain-1@customer.test>"],
    });
    expect(info.response).toMatch(/^250/);
    const reply = await messageByMid("<nm-reply-1@customer.test>");
    expect(reply!.conversationId).toBe(firstConversation);
    expect(reply!.bodyText).toBe("Any news?");
    expect(reply!.quotedText).toContain("> I cannot log in");
    expect(reply!.inReplyTo).toBe("<nm-plain-1@customer.test>");
    const customers = await t.prisma.timelineEvent.findMany({ where: { message: { platformMessageId: { in: ["<nm-plain-1@customer.test>", "<html-1@customer.test>", "<latin1-1@kunde.test>", "<nm-reply-1@customer.test>"] } } }, select: { customerId: true } });
    expect(customers).toHaveLength(4);
    expect(new Set(customers.map((c) => c.customerId)).size).toBe(1);
    expect(await t.prisma.customer.count()).toBe(1);
  });

  it("stores a retried delivery once", async () => {
    const raw = fixture("plain.eml", [["<plain-1@customer.test>", "<retry-1@customer.test>"]]);
    expect((await pySendRaw(raw)).ok).toBe(true);
    expect((await pySendRaw(raw)).ok).toBe(true);
    expect(await t.prisma.message.count({ where: { platformMessageId: "<retry-1@customer.test>" } })).toBe(1);
  });

  it("stores mail without a Message-ID once, under a content hash", async () => {
    const raw = Buffer.from(`From: ${CUSTOMER}\r\nTo: support@throughline.test\r\nSubject: no id\r\n\r\nNo Message-ID here.\r\n`);
    expect((await pySendRaw(raw)).ok).toBe(true);
    expect((await pySendRaw(raw)).ok).toBe(true);
    const rows = await t.prisma.message.findMany({ where: { bodyText: "No Message-ID here." } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.platformMessageId).toMatch(/@generated\.throughline>$/);
  });
});

describe("refusals", () => {
  it("answers 550 for an address that is not an inbox (smtplib and Nodemailer)", async () => {
    const r = await pySend([CUSTOMER, "nobody@throughline.test", "--subject", "hi", "--body", "hello"]);
    expect(r).toMatchObject({ ok: false, code: 550, stage: "rcpt" });
    expect(r.message).toMatch(/No such mailbox/);
    const err = await transport()
      .sendMail({ from: CUSTOMER, to: "sales@elsewhere.test", subject: "x", text: "y" })
      .catch((e: { responseCode?: number }) => e);
    expect((err as { responseCode?: number }).responseCode).toBe(550);
  });

  it("answers 552 for mail over EMAIL_MAX_BYTES: declared (SIZE) and undeclared", async () => {
    const big = "x".repeat(76) + "\r\n";
    const body = big.repeat(Math.ceil((MAX_BYTES * 1.2) / big.length));
    const raw = Buffer.from(`From: ${CUSTOMER}\r\nTo: support@throughline.test\r\nSubject: big\r\nMessage-ID: <big-1@customer.test>\r\n\r\n${body}`);
    const r = await pySendRaw(raw);
    expect(r).toMatchObject({ ok: false, code: 552 });
    // Nodemailer does not declare the size: the server enforces the limit on DATA.
    const err = await transport()
      .sendMail({ from: CUSTOMER, to: "support@throughline.test", subject: "big", text: body, messageId: "<big-2@customer.test>" })
      .catch((e: { responseCode?: number }) => e);
    expect((err as { responseCode?: number }).responseCode).toBe(552);
    expect(await t.prisma.message.count({ where: { platformMessageId: { in: ["<big-1@customer.test>", "<big-2@customer.test>"] } } })).toBe(0);
  });
});

describe("threading real clients", () => {
  it("threads an Outlook reply without In-Reply-To by Thread-Index", async () => {
    const root = Buffer.from("01d9a006c27447c684888a94c9cea50ad2b5e3f1a2b3", "hex").subarray(0, 22);
    const first = Buffer.concat([root]).toString("base64");
    const reply = Buffer.concat([root, Buffer.from([0, 0, 1, 2, 3])]).toString("base64");
    const a = await transport().sendMail({
      from: "carl@outlook-user.test",
      to: "support@throughline.test",
      subject: "Printer offline",
      text: "Our printer is offline.",
      messageId: "<ol-1@outlook-user.test>",
      headers: { "Thread-Topic": "Printer offline", "Thread-Index": first },
    });
    expect(a.response).toMatch(/^250/);
    const b = await pySendRaw(
      Buffer.from(
        [
          "From: Carl <carl@outlook-user.test>",
          "To: support@throughline.test",
          "Subject: RE: Printer offline (update)",
          "Message-ID: <ol-2@outlook-user.test>",
          "Thread-Topic: Printer offline",
          `Thread-Index: ${reply}`,
          "Content-Type: text/plain; charset=utf-8",
          "",
          "It is back.",
          "",
          "From: Support <support@throughline.test>",
          "Sent: Tuesday, March 3, 2026 12:30 PM",
          "Subject: Re: Printer offline",
          "",
          "Have you tried turning it off and on again?",
          "",
        ].join("\r\n"),
      ),
      "support@throughline.test",
      "carl@outlook-user.test",
    );
    expect(b.ok).toBe(true);
    const m1 = await messageByMid("<ol-1@outlook-user.test>");
    const m2 = await messageByMid("<ol-2@outlook-user.test>");
    expect(m2!.conversationId).toBe(m1!.conversationId);
    expect((m2!.meta as { threadedBy?: string }).threadedBy).toBe("thread_index");
    expect(m2!.bodyText).toBe("It is back.");
  });

  it("threads by the [#number] token and by a +t<number> plus-address", async () => {
    await transport().sendMail({ from: "dora@customer.test", to: "support@throughline.test", subject: "Refund", text: "Refund please", messageId: "<tok-1@customer.test>" });
    const conv = (await messageByMid("<tok-1@customer.test>"))!.conversation;
    await transport().sendMail({ from: "dora@customer.test", to: "support@throughline.test", subject: `Fwd: other words [#${conv.number}]`, text: "Token", messageId: "<tok-2@customer.test>" });
    expect((await messageByMid("<tok-2@customer.test>"))!.conversationId).toBe(conv.id);
    const r = await pySend(["dora@customer.test", `support+t${conv.number}@throughline.test`, "--subject", "brand new words", "--body", "Plus", "--message-id", "<tok-3@customer.test>"]);
    expect(r.ok).toBe(true);
    const m3 = await messageByMid("<tok-3@customer.test>");
    expect(m3!.conversationId).toBe(conv.id);
    expect((m3!.meta as { threadedBy?: string }).threadedBy).toBe("ticket_token");
  });

  it("threads by subject and sender within 7 days, but never into someone else's conversation", async () => {
    await transport().sendMail({ from: "emil@customer.test", to: "support@throughline.test", subject: "Invoice missing", text: "Where is it?", messageId: "<subj-1@customer.test>" });
    await transport().sendMail({ from: "emil@customer.test", to: "support@throughline.test", subject: "AW: Invoice missing", text: "Still waiting", messageId: "<subj-2@customer.test>" });
    await transport().sendMail({ from: "fred@customer.test", to: "support@throughline.test", subject: "Re: Invoice missing", text: "Me too", messageId: "<subj-3@customer.test>" });
    const [a, b, c] = await Promise.all(["<subj-1@customer.test>", "<subj-2@customer.test>", "<subj-3@customer.test>"].map(messageByMid));
    expect(b!.conversationId).toBe(a!.conversationId);
    expect(c!.conversationId).not.toBe(a!.conversationId);
  });

  it("an auto-reply does not reopen a resolved conversation; a human reply does", async () => {
    await transport().sendMail({ from: "gina@customer.test", to: "support@throughline.test", subject: "Password reset", text: "Reset please", messageId: "<ar-1@customer.test>" });
    const conv = (await messageByMid("<ar-1@customer.test>"))!.conversation;
    await t.prisma.conversation.update({ where: { id: conv.id }, data: { status: "resolved", resolvedAt: new Date(), waitingSince: null } });
    const ooo = await pySendRaw(fixture("auto-reply.eml", [["ann@customer.test", "gina@customer.test"], ["<ooo-1@customer.test>", "<ar-2@customer.test>"], ["Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied\r\nIn-Reply-To: <ar-1@customer.test>"]]), "support@throughline.test", "gina@customer.test");
    expect(ooo.ok).toBe(true);
    const auto = await messageByMid("<ar-2@customer.test>");
    expect(auto!.conversationId).toBe(conv.id);
    expect(auto!.isAutoReply).toBe(true);
    expect((await t.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).status).toBe("resolved");

    await transport().sendMail({ from: "gina@customer.test", to: "support@throughline.test", subject: "Re: Password reset", text: "It still fails", messageId: "<ar-3@customer.test>", inReplyTo: "<ar-1@customer.test>" });
    expect((await t.prisma.conversation.findUniqueOrThrow({ where: { id: conv.id } })).status).toBe("open");
  });
});

describe("database fault", () => {
  it("answers 451 while the database is unreachable, stores nothing, and stores a retry once", async () => {
    const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
    await admin.connect();
    const raw = fixture("plain.eml", [["<plain-1@customer.test>", "<dbfault-1@customer.test>"]]);
    // A delivery just before: the server knows the address, so the outage hits at DATA.
    expect((await pySendRaw(fixture("plain.eml", [["<plain-1@customer.test>", "<dbfault-0@customer.test>"]]))).ok).toBe(true);
    try {
      await admin.query(`ALTER DATABASE "${t.name}" WITH ALLOW_CONNECTIONS false`);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [t.name]);
      const py = await pySendRaw(raw);
      expect(py).toMatchObject({ ok: false, code: 451, stage: "data" });
      expect(py.message).toMatch(/4\.3\.0/);
      const err = await transport()
        .sendMail({ envelope: { from: CUSTOMER, to: ["support@throughline.test"] }, raw })
        .catch((e: { responseCode?: number }) => e);
      expect((err as { responseCode?: number }).responseCode).toBe(451);
    } finally {
      await admin.query(`ALTER DATABASE "${t.name}" WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    expect(await t.prisma.message.count({ where: { platformMessageId: "<dbfault-1@customer.test>" } })).toBe(0);
    // The sender retries once the database is back: stored, once.
    expect((await pySendRaw(raw)).ok).toBe(true);
    expect((await pySendRaw(raw)).ok).toBe(true);
    expect(await t.prisma.message.count({ where: { platformMessageId: "<dbfault-1@customer.test>" } })).toBe(1);
  });
});
