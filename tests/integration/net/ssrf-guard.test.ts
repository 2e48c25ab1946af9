// Rule webhooks go through the SSRF guard: an admin-typed URL that points at
// loopback, a private network or the cloud metadata address is refused before
// any connection, in every spelling, and the run log says "refused: private
// address", never what the internal host answered. OUTBOUND_ALLOWLIST lets an
// explicit intranet target through. Runs the engine in-process, as
// rules-engine.test.ts does; only 127.0.0.1 is ever contacted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import http from "node:http";
import net from "node:net";
import { createHmac } from "node:crypto";
import ipaddr from "ipaddr.js";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { recordTouchpoint } from "@/server/ingest/record";
import { processTimelineEvent } from "@/server/rules/engine";
import { createRule } from "@/server/rules/admin";
import { guardedFetch, OutboundRefusedError } from "@/server/net/guarded-fetch";

let t: TestDatabase;
let adminId: string;
let server: http.Server;
let port: number;
const hits: { method: string; path: string; body: string; signature?: string }[] = [];

// Every TCP connection this process attempts. Anything not on loopback is
// recorded and never leaves the machine, so a broken guard fails the test
// instead of sending traffic to 10.x or 169.254.169.254.
const outside: string[] = [];
const realConnect = net.Socket.prototype.connect;

function connectTarget(args: unknown[]): string | undefined {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === "object") {
    const o = first as { host?: string; path?: string };
    return o.path ? undefined : (o.host ?? "localhost");
  }
  return typeof args[1] === "string" ? args[1] : undefined;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "localhost" || (ipaddr.isValid(h) && ipaddr.process(h).range() === "loopback");
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  process.env.RULE_SSRF_HOOK_SECRET = "ssrf-hook-secret-456";
  delete process.env.OUTBOUND_ALLOWLIST;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const host = connectTarget(args);
    if (host && !isLoopback(host)) {
      outside.push(host);
      process.nextTick(() => this.destroy(new Error(`test: blocked connection to ${host}`)));
      return this;
    }
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  t = await useTestDatabase();
  adminId = (await db.user.create({ data: { email: "ssrf-admin@example.test", name: "Ada Admin", passwordHash: "x", role: "admin" } })).id;

  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const path = req.url ?? "/";
      hits.push({ method: req.method ?? "", path, body, signature: req.headers["x-throughline-signature"] as string | undefined });
      if (path === "/hook") return res.writeHead(202, { "content-type": "text/plain" }).end("accepted");
      if (path === "/internal") return res.writeHead(418).end("internal secret");
      if (path.startsWith("/to/")) return res.writeHead(302, { location: decodeURIComponent(path.slice(4)) }).end();
      if (path === "/keep-post") return res.writeHead(307, { location: "/hook" }).end();
      if (path.startsWith("/loop")) return res.writeHead(302, { location: `/loop${Number(path.slice(5) || 0) + 1}` }).end();
      if (path === "/big") return res.writeHead(200, { "content-length": String(64 * 1024) }).end(Buffer.alloc(64 * 1024, 97));
      if (path === "/big-chunked") {
        res.writeHead(200);
        for (let i = 0; i < 64; i++) res.write(Buffer.alloc(1024, 98));
        return res.end();
      }
      if (path === "/hang") return; // never answers
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  net.Socket.prototype.connect = realConnect;
  delete process.env.OUTBOUND_ALLOWLIST;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await disconnectDb();
  await t.drop();
});

beforeEach(() => {
  hits.length = 0;
  outside.length = 0;
  delete process.env.OUTBOUND_ALLOWLIST;
});

let seq = 0;

/** One rule with these webhook actions, fired once by its own product event. */
async function fireWebhooks(urls: string[], secretEnv?: string) {
  const name = `ssrf-${++seq}`;
  const rule = await createRule(
    { name: `Hook ${seq}`, trigger: { kind: "product_event", name }, actions: urls.map((url) => ({ type: "webhook" as const, url, ...(secretEnv ? { secretEnv } : {}) })) },
    adminId,
  );
  const e = await recordTouchpoint({ identities: [{ kind: "email", value: `${name}@example.test`, verified: true, source: "t" }], channel: "api", kind: "product_event", actor: "customer", name, text: "Fired" });
  const runs = await processTimelineEvent(e.eventId);
  expect(runs).toHaveLength(1);
  const entries = await db.timelineEvent.findMany({ where: { dedupeKey: { startsWith: `rule:${rule.id}:` } }, orderBy: { dedupeKey: "asc" } });
  const stored = await db.ruleRun.findFirstOrThrow({ where: { ruleId: rule.id } });
  return { rule, run: runs[0]!, entries, stored: { status: stored.status, result: stored.result as { actions: { ok: boolean; detail: string }[] } } };
}

describe("SSRF guard on rule webhooks", () => {
  it("the connection watch itself catches a non-loopback connection (so its silence below means something)", async () => {
    const s = net.connect(80, "10.0.0.5");
    await new Promise<void>((r) => s.on("error", () => r()));
    expect(outside).toEqual(["10.0.0.5"]);
  });

  it.each([
    ["loopback", (p: number) => `http://127.0.0.1:${p}/internal`],
    ["hex", (p: number) => `http://0x7f000001:${p}/internal`],
    ["decimal", (p: number) => `http://2130706433:${p}/internal`],
    ["octal", (p: number) => `http://0177.0.0.1:${p}/internal`],
    ["IPv4-mapped IPv6", (p: number) => `http://[::ffff:127.0.0.1]:${p}/internal`],
    ["IPv6 loopback", (p: number) => `http://[::1]:${p}/internal`],
    ["a name that resolves to 127.0.0.1", (p: number) => `http://localhost:${p}/internal`],
    ["cloud metadata", () => `http://169.254.169.254/latest/meta-data/iam/security-credentials/`],
    ["a private 10.x address", (p: number) => `http://10.0.0.5:${p}/internal`],
    ["a private 192.168 address", () => `https://192.168.1.1/admin`],
  ])("refuses %s before connecting, and logs only the refusal", async (_label, make) => {
    const url = make(port);
    const host = new URL(url).host;
    const { run, entries, stored } = await fireWebhooks([url]);
    expect(run.status).toBe("failed");
    expect(run.actions).toEqual([{ type: "webhook", ok: false, detail: `webhook ${host}: refused: private address` }]);
    expect(stored.status).toBe("failed");
    expect(stored.result.actions[0]!.detail).toBe(`webhook ${host}: refused: private address`);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.text).toBe(`Rule “Hook ${seq}” called webhook ${host} (refused: private address)`);
    expect(entries[0]!.payload).toMatchObject({ url, status: 0, error: "refused: private address" });
    // What the internal host would have answered (status 418, body "internal
    // secret") appears nowhere. Matched as a status, not a bare "418": random
    // ports and uuids contain that digit run.
    const logged = JSON.stringify([run, entries[0]!.payload]);
    expect(logged).not.toContain("internal secret");
    expect(logged).not.toMatch(/"status":\s*418\b|\(418\)/);
    // Nothing reached the local server, and no connection left loopback.
    expect(hits).toEqual([]);
    expect(outside).toEqual([]);
  });

  it("refuses a redirect from an allowed target to loopback or the metadata address", async () => {
    process.env.OUTBOUND_ALLOWLIST = "localhost";
    const toLoopback = `http://localhost:${port}/to/${encodeURIComponent(`http://127.0.0.1:${port}/internal`)}`;
    const toMetadata = `http://localhost:${port}/to/${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`;
    const { run, entries } = await fireWebhooks([toLoopback, toMetadata]);
    expect(run.status).toBe("failed");
    expect(run.actions.map((a) => a.detail)).toEqual([`webhook localhost:${port}: refused: private address`, `webhook localhost:${port}: refused: private address`]);
    expect(entries.map((e) => e.text)).toEqual([
      `Rule “Hook ${seq}” called webhook localhost:${port} (refused: private address)`,
      `Rule “Hook ${seq}” called webhook localhost:${port} (refused: private address)`,
    ]);
    // The allowed first hop was made; the redirect targets never were.
    expect(hits.map((h) => h.path)).toEqual([`/to/${encodeURIComponent(`http://127.0.0.1:${port}/internal`)}`, `/to/${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`]);
    expect(outside).toEqual([]);
  });

  it("with OUTBOUND_ALLOWLIST=127.0.0.1/32 delivers the signed webhook and logs its status", async () => {
    process.env.OUTBOUND_ALLOWLIST = "127.0.0.1/32";
    const { run, entries } = await fireWebhooks([`http://127.0.0.1:${port}/hook`, "http://169.254.169.254/latest/meta-data/"], "RULE_SSRF_HOOK_SECRET");
    expect(run.status).toBe("partial");
    expect(run.actions).toEqual([
      { type: "webhook", ok: true, detail: `Rule “Hook ${seq}” called webhook 127.0.0.1:${port} (202)` },
      // The allowlist opens exactly what it names.
      { type: "webhook", ok: false, detail: "webhook 169.254.169.254: refused: private address" },
    ]);
    expect(entries[0]!.text).toBe(`Rule “Hook ${seq}” called webhook 127.0.0.1:${port} (202)`);
    expect(entries[0]!.payload).toMatchObject({ status: 202, error: null });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ method: "POST", path: "/hook" });
    expect(hits[0]!.signature).toBe(`sha256=${createHmac("sha256", "ssrf-hook-secret-456").update(hits[0]!.body).digest("hex")}`);
    expect(JSON.parse(hits[0]!.body)).toMatchObject({ rule: { name: `Hook ${seq}` }, event: { name: `ssrf-${seq}` } });
    expect(outside).toEqual([]);
  });
});

describe("guardedFetch limits", () => {
  async function refusal(p: Promise<unknown>): Promise<OutboundRefusedError> {
    const e = await p.then(
      () => null,
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(OutboundRefusedError);
    return e as OutboundRefusedError;
  }

  it("refuses a response bigger than maxBytes, declared or streamed", async () => {
    process.env.OUTBOUND_ALLOWLIST = "127.0.0.1/32";
    expect((await refusal(guardedFetch(`http://127.0.0.1:${port}/big`, { maxBytes: 1024 }))).reason).toBe("too_large");
    expect((await refusal(guardedFetch(`http://127.0.0.1:${port}/big-chunked`, { maxBytes: 4096 }))).reason).toBe("too_large");
    const ok = await guardedFetch(`http://127.0.0.1:${port}/big-chunked`, { maxBytes: 64 * 1024 });
    expect(ok.body.length).toBe(64 * 1024);
  });

  it("refuses a server that never answers with timeout", async () => {
    process.env.OUTBOUND_ALLOWLIST = "127.0.0.1/32";
    const e = await refusal(guardedFetch(`http://127.0.0.1:${port}/hang`, { timeoutMs: 300 }));
    expect(e.reason).toBe("timeout");
    expect(hits.map((h) => h.path)).toEqual(["/hang"]);
  });

  it("follows allowed redirects itself, up to maxRedirects, reporting the final URL", async () => {
    process.env.OUTBOUND_ALLOWLIST = "127.0.0.1/32";
    const r = await guardedFetch(`http://127.0.0.1:${port}/keep-post`, { method: "POST", body: "payload", headers: { "content-type": "text/plain" } });
    expect(r).toMatchObject({ status: 202, url: `http://127.0.0.1:${port}/hook` });
    expect(r.body.toString()).toBe("accepted");
    expect(r.headers.get("content-type")).toBe("text/plain");
    // 307 keeps the method and body.
    expect(hits.map((h) => [h.method, h.path, h.body])).toEqual([["POST", "/keep-post", "payload"], ["POST", "/hook", "payload"]]);
    hits.length = 0;
    expect((await refusal(guardedFetch(`http://127.0.0.1:${port}/loop`, { maxRedirects: 2 }))).reason).toBe("too_many_redirects");
    expect(hits.map((h) => h.path)).toEqual(["/loop", "/loop1", "/loop2"]);
  });

  it("refuses other schemes and unparsable URLs, and a private target names the address", async () => {
    expect((await refusal(guardedFetch("file:///etc/passwd"))).reason).toBe("bad_scheme");
    expect((await refusal(guardedFetch("gopher://127.0.0.1:70/"))).reason).toBe("bad_scheme");
    expect((await refusal(guardedFetch("http://"))).reason).toBe("invalid_url");
    const e = await refusal(guardedFetch(`http://0x7f000001:${port}/internal`));
    expect(e).toMatchObject({ reason: "private_address", message: "refused: private address 127.0.0.1" });
    expect((await refusal(guardedFetch(`http://localhost:${port}/internal`))).message).toBe("refused: private address 127.0.0.1 (localhost)");
    expect(hits).toEqual([]);
  });

  it("lets network errors of an allowed target surface as ordinary errors", async () => {
    process.env.OUTBOUND_ALLOWLIST = "127.0.0.1/32";
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const freePort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const e = await guardedFetch(`http://127.0.0.1:${freePort}/`).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(OutboundRefusedError);
    expect((e as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });
});
