// The JavaScript SDK (src/sdk, docs/sdk.md) against the real app: events
// tracked through it land on the customer's timeline exactly once, also when
// an attempt's answer is lost and the batch is resent, or the server asks it
// to wait (429 + Retry-After); refused input is reported clearly; close()
// sends what is queued; and the built bundle (npm run sdk:build) does the same
// from a plain Node process that then exits by itself, and from a page in Chromium.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";
import { launchBrowser } from "../../helpers/browser";
import { createApiClient, createThroughline, ThroughlineError, type FetchFn, type ThroughlineOptions } from "@/sdk/index";

const KEY = TEST_SECRETS.DEMO_API_KEY;
let t: TestDatabase;
let app: AppServer;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url, env: { LOG_LEVEL: "warn" } });
});
afterAll(async () => {
  await app?.stop();
  await t?.drop();
});

let n = 0;
const uniqueEmail = (tag: string) => `sdk-${tag}-${++n}-${Date.now()}@example.com`;

/** A client on the app whose reported errors are collected; fast retries unless a test says otherwise. */
function client(options: Partial<ThroughlineOptions> = {}) {
  const reported: ThroughlineError[] = [];
  const sdk = createThroughline({ baseUrl: app.url, apiKey: KEY, retryBaseDelayMs: 1, maxRetryDelayMs: 5, onError: (e) => reported.push(e), ...options });
  return { sdk, reported };
}

/** Counts requests and keeps each one's body; `fail` may throw or answer instead of the network. */
function recordingFetch(fail?: (attempt: number, request: Request, real: () => Promise<Response>) => Promise<Response>) {
  const bodies: string[] = [];
  const fetch: FetchFn = async (request) => {
    bodies.push(await request.clone().text());
    const real = () => globalThis.fetch(request);
    return fail ? fail(bodies.length, request, real) : real();
  };
  return { fetch, bodies };
}

/** The customer (by email) and their product events, read back through the SDK's typed REST calls (a list filter of two kinds: sent as kind=a,b). */
async function readBack(email: string) {
  const api = createApiClient({ baseUrl: app.url, apiKey: KEY });
  const found = await api.GET("/api/v1/customers", { params: { query: { email } } });
  expect(found.response.status).toBe(200);
  const customer = found.data!.items[0];
  if (!customer) return { customer: undefined, events: [] };
  const page = await api.GET("/api/v1/customers/{id}/timeline", { params: { path: { id: customer.id }, query: { kind: ["note", "product_event"], limit: 200 } } });
  expect(page.response.status).toBe(200);
  return { customer, events: page.data!.items };
}

/** A stand-in in front of the app: answers the planned responses first, then forwards. */
async function startProxy(plan: { status: number; headers?: Record<string, string>; body?: unknown }[]) {
  const arrivals: number[] = [];
  const server = http.createServer(async (req, res) => {
    arrivals.push(performance.now());
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const canned = plan.shift();
    if (canned) {
      res.writeHead(canned.status, { "content-type": "application/json", ...canned.headers });
      res.end(JSON.stringify(canned.body ?? { error: { code: `http_${canned.status}`, message: "planned" } }));
      return;
    }
    const answer = await fetch(`${app.url}${req.url}`, {
      method: req.method,
      headers: { authorization: req.headers.authorization ?? "", "content-type": req.headers["content-type"] ?? "application/json" },
      body: req.method === "GET" ? undefined : Buffer.concat(chunks),
    });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, arrivals, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("track and identify", () => {
  it("identify, then track: the events are on the customer's timeline once each, in one request", async () => {
    const email = uniqueEmail("identify");
    const { fetch, bodies } = recordingFetch();
    const { sdk, reported } = client({ fetch });
    // identify() itself stores the customer (POST /api/v1/identify), with attributes.
    const who = await sdk.identify({ email, name: "Ada Lovelace" }, { plan: "trial", seats: 3 });
    expect(who).toMatchObject({ created: true, customer: { name: "Ada Lovelace", attributes: { plan: "trial", seats: 3 } } });
    expect(bodies).toHaveLength(1);
    bodies.splice(0);
    const again = await sdk.identify({ email, name: "Ada Lovelace" }, { seats: null });
    expect(again).toMatchObject({ created: false, customer: { id: who!.customer.id, attributes: { plan: "trial" } } });
    bodies.splice(0);
    sdk.track({ name: "signed_up", properties: { plan: "trial" } });
    sdk.track({ name: "page_view", properties: { url: "/pricing" } });
    sdk.track({ name: "purchase", properties: { amount: 42.5, currency: "EUR" }, occurredAt: new Date("2026-11-30T12:00:00Z") });
    const result = await sdk.flush();

    expect(reported).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.stored.map((s) => [s.event.name, s.status])).toEqual([
      ["signed_up", "created"],
      ["page_view", "created"],
      ["purchase", "created"],
    ]);
    expect(bodies).toHaveLength(1);

    const { customer, events } = await readBack(email);
    expect(customer).toMatchObject({ name: "Ada Lovelace", lifetimeValue: 42.5 });
    expect(events.map((e) => e.id).sort()).toEqual(result.stored.map((s) => s.id).sort());
    expect(events.map((e) => e.name).sort()).toEqual(["page_view", "purchase", "signed_up"]);
    expect(events.find((e) => e.name === "purchase")).toMatchObject({ occurredAt: "2026-11-30T12:00:00.000Z", payload: { amount: 42.5, currency: "EUR" } });
    await sdk.close();
  });

  it("sends batchSize events per request, and on its own once batchSize are waiting or the interval has passed", async () => {
    const email = uniqueEmail("batches");
    const { fetch, bodies } = recordingFetch();
    const { sdk, reported } = client({ fetch, batchSize: 10, flushIntervalMs: 600_000 });
    for (let i = 0; i < 10; i++) sdk.track({ customer: { email }, name: "page_view", properties: { i } });
    // batchSize waiting: sent without flush().
    await vi.waitFor(() => expect(bodies).toHaveLength(1), { timeout: 10_000, interval: 20 });
    for (let i = 10; i < 25; i++) sdk.track({ customer: { email }, name: "page_view", properties: { i } });
    const result = await sdk.flush();
    expect(bodies.map((b) => (JSON.parse(b) as { properties: { i: number } }[]).map((e) => e.properties.i))).toEqual([
      [...Array(10).keys()],
      [...Array(10).keys()].map((i) => i + 10),
      [...Array(5).keys()].map((i) => i + 20),
    ]);
    expect(result.stored).toHaveLength(15);
    expect((await readBack(email)).events).toHaveLength(25);
    await sdk.close();

    const timed = client({ fetch: recordingFetch().fetch, flushIntervalMs: 50 });
    const email2 = uniqueEmail("interval");
    timed.sdk.track({ customer: { email: email2 }, name: "page_view" });
    await vi.waitFor(async () => expect((await readBack(email2)).events).toHaveLength(1), { timeout: 10_000, interval: 100 });
    expect(reported).toEqual([]);
    expect(timed.reported).toEqual([]);
    await timed.sdk.close();
  });

  it("close() sends what is queued, and no track() after it", async () => {
    const email = uniqueEmail("close");
    const { fetch, bodies } = recordingFetch();
    const { sdk } = client({ fetch, flushIntervalMs: 600_000 });
    sdk.track({ customer: { email }, name: "a" });
    sdk.track({ customer: { email }, name: "b" });
    expect(bodies).toHaveLength(0);
    const result = await sdk.close();
    expect(result.stored.map((s) => s.status)).toEqual(["created", "created"]);
    expect((await readBack(email)).events.map((e) => e.name).sort()).toEqual(["a", "b"]);
    expect(() => sdk.track({ customer: { email }, name: "late" })).toThrow(/closed/);
  });
});

describe("retries and idempotency", () => {
  it("a batch whose answer was lost is resent with the same keys and stored once", async () => {
    const email = uniqueEmail("lost-answer");
    const { fetch, bodies } = recordingFetch(async (attempt, _request, real) => {
      const response = await real();
      if (attempt === 1) {
        // The server has stored the batch; the client never hears it.
        await response.arrayBuffer();
        throw new TypeError("fetch failed: connection reset (test)");
      }
      return response;
    });
    const { sdk, reported } = client({ fetch });
    for (const name of ["a", "b", "c", "d", "e"]) sdk.track({ customer: { email }, name });
    const result = await sdk.flush();

    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);
    const keys = (JSON.parse(bodies[0]!) as { idempotencyKey: string }[]).map((e) => e.idempotencyKey);
    expect(new Set(keys).size).toBe(5);
    expect(reported).toEqual([]);
    // The resent batch was answered "duplicate", with the ids the first attempt stored.
    expect(result.stored.map((s) => s.status)).toEqual(["duplicate", "duplicate", "duplicate", "duplicate", "duplicate"]);
    const { events } = await readBack(email);
    expect(events.map((e) => e.name).sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect(events.map((e) => e.id).sort()).toEqual(result.stored.map((s) => s.id).sort());
    await sdk.close();
  });

  it("429 with Retry-After: waits that long before the retry, then the batch is stored once", async () => {
    const proxy = await startProxy([{ status: 429, headers: { "retry-after": "1" }, body: { error: { code: "rate_limited", message: "Try again in 1 s." } } }]);
    try {
      const email = uniqueEmail("429");
      // Backoff of at most 5 ms: only Retry-After explains a longer wait.
      const { sdk, reported } = client({ baseUrl: proxy.url });
      sdk.track({ customer: { email }, name: "limited" });
      const result = await sdk.flush();
      expect(proxy.arrivals).toHaveLength(2);
      expect(proxy.arrivals[1]! - proxy.arrivals[0]!).toBeGreaterThanOrEqual(990);
      expect(result.stored.map((s) => s.status)).toEqual(["created"]);
      expect(reported).toEqual([]);
      expect((await readBack(email)).events.map((e) => e.name)).toEqual(["limited"]);
      await sdk.close();
    } finally {
      await proxy.close();
    }
  });

  it("retries 503, 500, 408 and network errors; gives up after maxRetries with the last reason", async () => {
    const proxy = await startProxy([{ status: 503, headers: { "retry-after": "0" } }, { status: 500 }, { status: 408 }]);
    try {
      const email = uniqueEmail("5xx");
      const { sdk } = client({ baseUrl: proxy.url });
      sdk.track({ customer: { email }, name: "eventually" });
      const result = await sdk.flush();
      expect(proxy.arrivals).toHaveLength(4);
      expect(result.stored.map((s) => s.status)).toEqual(["created"]);
      await sdk.close();
    } finally {
      await proxy.close();
    }

    const down = client({ baseUrl: "http://127.0.0.1:9", maxRetries: 2 });
    down.sdk.track({ customer: { email: uniqueEmail("down") }, name: "lost" });
    const failed = await down.sdk.flush();
    expect(failed.stored).toEqual([]);
    expect(failed.errors).toHaveLength(1);
    expect(failed.errors[0]).toMatchObject({ code: "network_error", attempts: 3, status: undefined });
    expect(failed.errors[0]!.message).toMatch(/^Sending 1 event failed \(3 attempts\): no answer/);
    expect(failed.errors[0]!.events.map((e) => e.name)).toEqual(["lost"]);
    expect(down.reported).toEqual(failed.errors);
  });

  it("does not retry a refusal: a bad API key is one request, reported as unauthorized", async () => {
    const { fetch, bodies } = recordingFetch();
    const { sdk, reported } = client({ fetch, apiKey: "tl_not_a_key_0000000000" });
    sdk.track({ customer: { email: uniqueEmail("401") }, name: "x" });
    const result = await sdk.flush();
    expect(bodies).toHaveLength(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toBeInstanceOf(ThroughlineError);
    expect(result.errors[0]).toMatchObject({ code: "unauthorized", status: 401, attempts: 1 });
    expect(result.errors[0]!.message).toMatch(/^Sending 1 event failed: 401 unauthorized: /);
    expect(reported).toEqual(result.errors);
  });
});

describe("bad input", () => {
  it("an event the API refuses is reported with the API's reason; the rest of its batch is stored", async () => {
    const email = uniqueEmail("invalid");
    const { sdk, reported } = client();
    sdk.track({ customer: { email }, name: "page_view" });
    sdk.track({ customer: { email }, name: "purchase", properties: { amount: "99" } });
    sdk.track({ customer: { email: "not an email" }, name: "signed_up" });
    const result = await sdk.flush();
    expect(result.stored.map((s) => s.event.name)).toEqual(["page_view"]);
    expect(result.errors.map((e) => [e.code, e.status, e.events[0]!.name])).toEqual([
      ["invalid_event", 202, "purchase"],
      ["invalid_event", 202, "signed_up"],
    ]);
    expect(result.errors[0]!.message).toMatch(/^Event "purchase" was refused: properties\.amount: must be a number/);
    expect(result.errors[1]!.message).toMatch(/^Event "signed_up" was refused: customer\.email: .*invalid email/i);
    expect(reported).toEqual(result.errors);
    expect((await readBack(email)).events.map((e) => e.name)).toEqual(["page_view"]);

    // Every item refused: the API answers 400, still naming each one.
    const allBad = await (async () => {
      sdk.track({ customer: { email }, name: "", properties: {} });
      return sdk.flush();
    })();
    expect(allBad.stored).toEqual([]);
    expect(allBad.errors.map((e) => [e.code, e.status])).toEqual([["invalid_event", 400]]);
    expect(allBad.errors[0]!.message).toMatch(/^Event "" was refused: name: must not be empty/);
    await sdk.close();
  });

  it("what cannot be sent at all throws at once, naming the problem", () => {
    const { sdk } = client();
    expect(() => sdk.track({ name: "orphan" })).toThrow(/event "orphan" has no customer: pass event.customer .* or call identify\(\) first/);
    expect(() => sdk.identify({ name: "Nobody" } as never)).toThrow(/identify\(\): the customer needs at least one of email, externalId, phone/);
    expect(() => sdk.track({ customer: { email: "a@example.com" }, name: "when", occurredAt: new Date("nope") })).toThrow(/invalid Date/);
    expect(() => createThroughline({ baseUrl: app.url, apiKey: KEY, batchSize: 5000 })).toThrow(/batchSize must be an integer from 1 to 1000/);
    expect(() => createThroughline({ baseUrl: "help.example.com", apiKey: KEY })).toThrow(/baseUrl/);
    expect(() => createThroughline({ baseUrl: app.url, apiKey: "" })).toThrow(/apiKey/);
  });
});

/** Runs node, asynchronously: a blocked event loop would leave this process's keep-alive sockets stale. */
function node(args: string[], timeoutMs = 60_000) {
  return new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, args, { timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

describe("the built bundle", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "throughline-sdk-test-"));
    const build = await node(["scripts/build-sdk.mjs", "--outdir", path.join(dir, "sdk"), "--skip-types"]);
    expect(build.status, build.stderr + build.stdout).toBe(0);
    expect(build.stdout).toMatch(/throughline\.mjs: [\d.]+ KB minified, [\d.]+ KB gzipped/);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is one ES module importing nothing, with its declarations", () => {
    const code = readFileSync(path.join(dir, "sdk/throughline.mjs"), "utf8");
    expect(code).not.toMatch(/\bimport\s*[\w{*]|\brequire\(|["']node:/);
    expect(code).toMatch(/export\s*\{/);
    expect(readFileSync(path.join(dir, "sdk/throughline.d.mts"), "utf8")).toContain("./types/index.js");
    expect(readFileSync(path.join(dir, "sdk/types/client.d.ts"), "utf8")).toContain("export declare function createThroughline");
  });

  it("tracks from a plain Node process, which then exits although an event is still queued", async () => {
    const email = uniqueEmail("bundle");
    const script = path.join(dir, "use.mjs");
    writeFileSync(
      script,
      `import { createThroughline } from ${JSON.stringify(pathToFileURL(path.join(dir, "sdk/throughline.mjs")).href)};
const [baseUrl, apiKey, email] = process.argv.slice(2);
const sdk = createThroughline({ baseUrl, apiKey, flushIntervalMs: 600000, onError: (e) => console.error(e.message) });
const who = await sdk.identify({ email, name: "Bundle Customer" });
if (!who || !who.created) throw new Error("identify failed");
sdk.track({ name: "bundle_one" });
sdk.track({ name: "bundle_two", properties: { ok: true } });
const result = await sdk.flush();
console.log(JSON.stringify(result.stored.map((s) => s.status)));
// Queued, never flushed: the 10-minute timer must not keep this process alive.
sdk.track({ name: "bundle_unsent" });
`,
    );
    const child = await node([script, app.url, KEY, email], 30_000);
    expect(child.signal, `the process did not exit by itself:\n${child.stdout}${child.stderr}`).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout.trim())).toEqual(["created", "created"]);
    const { customer, events } = await readBack(email);
    expect(customer?.name).toBe("Bundle Customer");
    expect(events.map((e) => e.name).sort()).toEqual(["bundle_one", "bundle_two"]);
  });

  it("tracks from a page in Chromium on the instance's origin", async () => {
    const email = uniqueEmail("browser");
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      // Only these two URLs are served by the test; the SDK's requests go to the real app.
      await page.route(`${app.url}/sdk-test/page`, (r) => r.fulfill({ contentType: "text/html", body: "<!doctype html><title>SDK</title>" }));
      await page.route(`${app.url}/sdk-test/throughline.mjs`, (r) => r.fulfill({ contentType: "text/javascript", path: path.join(dir, "sdk/throughline.mjs") }));
      await page.goto(`${app.url}/sdk-test/page`);
      // A string, not a function: vitest would rewrite a function's import() for Node.
      const statuses = await page.evaluate(`(async () => {
        const { createThroughline } = await import("/sdk-test/throughline.mjs");
        const sdk = createThroughline({ baseUrl: location.origin, apiKey: ${JSON.stringify(KEY)} });
        await sdk.identify({ email: ${JSON.stringify(email)} });
        sdk.track({ name: "browser_view", properties: { path: location.pathname } });
        const result = await sdk.close();
        return { stored: result.stored.map((s) => s.status), errors: result.errors.map((e) => e.message), node: typeof globalThis.process };
      })()`);
      expect(statuses).toEqual({ stored: ["created"], errors: [], node: "undefined" });
    } finally {
      await browser.close();
    }
    expect((await readBack(email)).events.map((e) => [e.name, e.payload])).toEqual([["browser_view", { path: "/sdk-test/page" }]]);
  });
});
