// The email route handlers called in-process (Web Request in, Response out)
// against a test database; the signed-in viewer is stubbed. The same routes
// are exercised through the real server in email-http.test.ts. Also the SMTP
// server's options (SIZE, no AUTH, STARTTLS only with key and certificate).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { useTestDatabase, type TestDatabase } from "../../../helpers/db";
import { TEST_SECRETS } from "../../../helpers/app-server";
import type { Viewer } from "@/server/auth/viewer";

const viewerRef: { current: Viewer | null } = { current: null };
vi.mock("@/server/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/auth/session")>()),
  currentViewer: async () => viewerRef.current,
  // The lean HTTP layer reads the session from the request's cookie header.
  viewerFromCookieHeader: async () => viewerRef.current,
}));

const { api } = await import("../../../helpers/lean-api");
const { POST, GET } = api;
const { resetEnvCache } = await import("@/env");
const { startSmtpServer } = await import("@/server/channels/email/smtp-server");

const MAX = 100_000;
let t: TestDatabase;
let inboxId: string;
let teamA: string;
let teamB: string;

beforeAll(async () => {
  t = await useTestDatabase();
  Object.assign(process.env, TEST_SECRETS, { EMAIL_MAX_BYTES: String(MAX), OTHER_INBOX_TOKEN: "other-inbox-token-123" });
  resetEnvCache();
  const a = await t.prisma.team.create({ data: { name: "Support" } });
  const b = await t.prisma.team.create({ data: { name: "Sales" } });
  teamA = a.id;
  teamB = b.id;
  const inbox = await t.prisma.inbox.create({ data: { name: "Support", channel: "email", publicId: "support@throughline.test", secretEnv: { token: "DEMO_INBOX_TOKEN" } } });
  const other = await t.prisma.inbox.create({ data: { name: "Sales", channel: "email", publicId: "sales@throughline.test", secretEnv: { token: "OTHER_INBOX_TOKEN" } } });
  await t.prisma.teamInbox.create({ data: { teamId: a.id, inboxId: inbox.id } });
  await t.prisma.teamInbox.create({ data: { teamId: b.id, inboxId: other.id } });
  inboxId = inbox.id;
});

afterAll(async () => {
  await t?.drop();
});

function post(body: BodyInit | null, token: string | null = TEST_SECRETS.DEMO_INBOX_TOKEN, type = "message/rfc822") {
  const headers: Record<string, string> = { "content-type": type };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return POST(new Request("http://localhost/api/inbound/email", { method: "POST", headers, body }));
}

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "../../../fixtures/email", name));

describe("POST /api/inbound/email (in-process)", () => {
  it("401 without or with a wrong token; nothing stored", async () => {
    expect((await post(fixture("plain.eml"), null)).status).toBe(401);
    const res = await post(fixture("plain.eml"), "wrong-token-000");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect(await t.prisma.message.count()).toBe(0);
  });

  it("202 stored into the token's inbox, then duplicate for the same message", async () => {
    const res = await post(fixture("html-attachment.eml"));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; conversationId: string; duplicate: boolean };
    expect(body.duplicate).toBe(false);
    const m = await t.prisma.message.findUniqueOrThrow({ where: { id: body.id }, include: { attachments: true } });
    expect(m.inboxId).toBe(inboxId);
    expect(m.attachments).toHaveLength(2);
    expect((m.meta as { receivedVia: string }).receivedVia).toBe("http");
    const again = await post(fixture("html-attachment.eml"));
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ id: body.id, conversationId: body.conversationId, duplicate: true });
    expect(await t.prisma.message.count({ where: { platformMessageId: "<html-1@customer.test>" } })).toBe(1);
  });

  it("another inbox's token files the mail there", async () => {
    const res = await post(fixture("plain.eml"), "other-inbox-token-123");
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await t.prisma.message.findUniqueOrThrow({ where: { id } })).inboxId).not.toBe(inboxId);
  });

  it("413 over EMAIL_MAX_BYTES, 415 for JSON, 400 for an empty body, 422 without a sender", async () => {
    expect((await post(Buffer.alloc(MAX + 10, 0x61))).status).toBe(413);
    // Streamed without Content-Length: still cut off at the limit.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(10_000).fill(0x61));
        c.close();
      },
    });
    expect((await POST(new Request("http://localhost/api/inbound/email", { method: "POST", headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_INBOX_TOKEN}` }, body: stream, duplex: "half" } as RequestInit))).status).toBe(413);
    expect((await post('{"a":1}', TEST_SECRETS.DEMO_INBOX_TOKEN, "application/json")).status).toBe(415);
    expect((await post("")).status).toBe(400);
    const res = await post("Subject: no sender\r\n\r\nbody\r\n");
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "rejected", message: expect.stringMatching(/sender/) } });
  });
});

describe("GET /api/attachments/:id (in-process)", () => {
  let pdfId: string;
  let logoId: string;

  beforeAll(async () => {
    const m = await t.prisma.message.findFirstOrThrow({ where: { platformMessageId: "<html-1@customer.test>" }, include: { attachments: true } });
    pdfId = m.attachments.find((a) => a.filename === "invoice-42.pdf")!.id;
    logoId = m.attachments.find((a) => a.filename === "logo.png")!.id;
  });

  const get = (id: string) => GET(new Request(`http://localhost/api/attachments/${id}`), { params: Promise.resolve({ id }) });

  it("401 when not signed in", async () => {
    viewerRef.current = null;
    expect((await get(pdfId)).status).toBe(401);
  });

  it("404 for an agent of a team without the inbox, and for unknown ids", async () => {
    viewerRef.current = { userId: "00000000-0000-7000-8000-000000000001", role: "agent", teamIds: [teamB] };
    expect((await get(pdfId)).status).toBe(404);
    viewerRef.current = { userId: "00000000-0000-7000-8000-000000000001", role: "agent", teamIds: [teamA] };
    expect((await get("0190f0f0-0000-7000-8000-000000000000")).status).toBe(404);
    expect((await get("not-a-uuid")).status).toBe(404);
  });

  it("serves the bytes safely to an agent who can see the inbox", async () => {
    viewerRef.current = { userId: "00000000-0000-7000-8000-000000000001", role: "agent", teamIds: [teamA] };
    const res = await get(pdfId);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("sandbox");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="invoice-42.pdf"; filename*=UTF-8''invoice-42.pdf`);
    expect(Buffer.from(await res.arrayBuffer()).toString().startsWith("%PDF-1.4")).toBe(true);
    const img = await get(logoId);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(img.headers.get("content-disposition")).toMatch(/^inline;/);
  });

  it("serves unsafe types as octet-stream attachments with an encoded name", async () => {
    const m = await t.prisma.message.findFirstOrThrow({ where: { inboxId } });
    const a = await t.prisma.attachment.create({ data: { messageId: m.id, filename: "Grüße <script>.html", contentType: "text/html", size: 20, data: new Uint8Array(Buffer.from("<script>x()</script>")) } });
    viewerRef.current = { userId: "00000000-0000-7000-8000-000000000001", role: "admin", teamIds: [] };
    const res = await get(a.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="Gr__e <script>.html"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%3Cscript%3E.html`);
  });
});

describe("SMTP server options (in-process)", () => {
  const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

  async function ehlo(port: number): Promise<string> {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    socket.on("data", (d) => (data += d.toString()));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 100 && !re.test(data); i++) await new Promise((r) => setTimeout(r, 20));
    };
    await waitFor(/^220 /m);
    socket.write("EHLO test.local\r\n");
    await waitFor(/^250 /m);
    socket.end("QUIT\r\n");
    return data;
  }

  it("without TLS files offers neither STARTTLS nor AUTH, and advertises SIZE", async () => {
    const smtp = await startSmtpServer({ host: "127.0.0.1", port: 0, maxBytes: 12_345 });
    try {
      const reply = await ehlo(smtp.port);
      expect(reply).toMatch(/SIZE 12345/);
      expect(reply).not.toMatch(/STARTTLS/);
      expect(reply).not.toMatch(/AUTH/);
    } finally {
      await smtp.stop();
    }
  });

  it.skipIf(!hasOpenssl)("with SMTP_TLS_KEY/CERT offers STARTTLS, and mail sent over it is stored", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tl-tls-"));
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    const gen = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"]);
    expect(gen.status).toBe(0);
    const smtp = await startSmtpServer({ host: "127.0.0.1", port: 0, maxBytes: 1_000_000, tlsKeyPath: key, tlsCertPath: cert });
    try {
      expect(await ehlo(smtp.port)).toMatch(/STARTTLS/);
      const script = path.resolve(import.meta.dirname, "../../../../scripts/smtp-send.py");
      // Asynchronously: the server runs in this process's event loop.
      const out = await promisify(execFile)("python3", [script, "127.0.0.1", String(smtp.port), "tls@customer.test", "support@throughline.test", "--starttls", "--subject", "Over TLS", "--body", "Encrypted hello", "--message-id", "<tls-1@customer.test>"], { encoding: "utf8" });
      expect(JSON.parse(out.stdout.trim())).toMatchObject({ ok: true, code: 250 });
      expect(await t.prisma.message.count({ where: { platformMessageId: "<tls-1@customer.test>", bodyText: "Encrypted hello" } })).toBe(1);
    } finally {
      await smtp.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
