// The REST API's OpenAPI document (GET /api/v1/openapi.json,
// src/server/http/openapi/): valid OpenAPI 3.1, in step with the lean layer's
// route table, and its schemas agree with what the routes really accept and
// answer — a body the events route stores validates against the documented
// request schema, one it refuses does not. Also the reference page's renderer
// script (GET /api/docs/reference.js), served from our own origin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gunzipSync } from "node:zlib";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { disconnectDb } from "@/server/db";
import { createApiKey } from "@/server/api-keys/keys";
import { buildApiApp, ROUTES } from "@/server/http/app";
import { WEBHOOK_EVENT_TYPES } from "@/server/webhooks/event-types";

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { security?: Record<string, string[]>[]; responses: Record<string, unknown>; parameters?: { name: string; in: string }[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme?: string }> };
  webhooks: Record<string, { post: { parameters: { name: string; in: string }[]; requestBody: { content: Record<string, { schema: { $ref: string } }> } } }>;
};

const app = buildApiApp();
const call = (method: string, p: string, init: RequestInit = {}) => app.fetch(new Request(`http://localhost${p}`, { method, ...init }));

let t: TestDatabase;
let key: string;
let doc: Doc;
let schemaValid: (name: string, value: unknown) => { valid: boolean; errors: string };

beforeAll(async () => {
  t = await useTestDatabase();
  key = (await createApiKey({ name: "openapi", scopes: ["*"] })).key;
  const res = await call("GET", "/api/v1/openapi.json");
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
  // The whole document as one JSON Schema resource, so the components' own
  // "#/components/schemas/…" references resolve as they do for any reader.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: "urn:throughline:openapi" });
  schemaValid = (name, value) => {
    const validate = ajv.getSchema(`urn:throughline:openapi#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    const valid = validate(value) as boolean;
    return { valid, errors: ajv.errorsText(validate.errors) };
  };
});
afterAll(async () => {
  await disconnectDb();
  await t?.drop();
});

const auth = () => ({ authorization: `Bearer ${key}` });
const postEvents = (body: unknown) => call("POST", "/api/v1/events", { headers: { "content-type": "application/json", ...auth() }, body: JSON.stringify(body) });

describe("GET /api/v1/openapi.json", () => {
  it("is public and cacheable: no API key, JSON, an ETag answered 304", async () => {
    const res = await call("GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await call("GET", "/api/v1/openapi.json", { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every outgoing webhook event with its signature headers and an envelope schema that real payloads satisfy", () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES, "ping"].sort());
    for (const hook of Object.values(doc.webhooks)) {
      expect(hook.post.parameters.filter((p) => p.in === "header").map((p) => p.name)).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
      const name = hook.post.requestBody.content["application/json"]!.schema.$ref.replace("#/components/schemas/", "");
      expect(doc.components.schemas[name]).toBeDefined();
    }
    const customer = { id: "0192f0c4-6a2b-7c1d-9e3f-4a5b6c7d8e9f", name: "Ada", email: "ada@example.com", identities: [{ kind: "email", value: "ada@example.com" }], journeyStage: null, createdAt: "2026-01-31T12:00:00.000Z" };
    const envelope = { id: "0192f0c5-2222-7aaa-8bbb-0123456789ab", type: "customer.created", version: 1, createdAt: "2026-01-31T12:00:00.000Z", data: { customer } };
    expect(schemaValid("Webhook_CustomerCreated", envelope)).toEqual({ valid: true, errors: "No errors" });
    expect(schemaValid("Webhook_CustomerCreated", { ...envelope, type: "customer.merged" }).valid).toBe(false);
    expect(schemaValid("Webhook_CustomerCreated", { ...envelope, data: { customer: { ...customer, identities: [{ kind: "fax", value: "1" }] } } }).valid).toBe(false);
  });

  it("documents every /api/v1 route of the lean layer, with the same methods, and nothing else", () => {
    const served = new Map<string, Set<string>>();
    for (const r of ROUTES) {
      if (!r.path.startsWith("/api/v1/")) continue;
      const p = r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      served.set(p, (served.get(p) ?? new Set()).add(r.method.toLowerCase()));
    }
    const documented = new Map(Object.entries(doc.paths).map(([p, ops]) => [p, new Set(Object.keys(ops))]));
    expect([...documented.keys()].sort()).toEqual([...served.keys()].sort());
    for (const [p, methods] of served) expect([...documented.get(p)!].sort(), p).toEqual([...methods].sort());
    // Each path parameter is declared.
    for (const [p, ops] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) for (const n of names) expect(op.parameters?.some((x) => x.in === "path" && x.name === n), `${p} declares {${n}}`).toBe(true);
    }
  });

  it("names the bearer API-key scheme, the scope of each guarded operation and its refusals in the one error shape", () => {
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    const scopes: Record<string, string[]> = {
      "get /api/v1/customers": ["customers:read"],
      "get /api/v1/customers/{id}": ["customers:read"],
      "get /api/v1/customers/{id}/timeline": ["customers:read"],
      "post /api/v1/events": ["events:write"],
    };
    for (const [k, scope] of Object.entries(scopes)) {
      const [method, p] = k.split(" ") as [string, string];
      const op = doc.paths[p]![method]!;
      expect(op.security, k).toEqual([{ apiKey: scope }]);
      for (const status of ["401", "403", "429", "503"]) expect(Object.keys(op.responses), k).toContain(status);
    }
    expect(doc.paths["/api/v1/openapi.json"]!.get!.security).toEqual([]);
    expect(Object.keys(doc.paths["/api/v1/events"]!.post!.responses)).toEqual(expect.arrayContaining(["202", "400", "413"]));
    expect(Object.keys(doc.paths["/api/v1/customers/{id}"]!.get!.responses)).toContain("404");
    expect(schemaValid("Error", { error: { code: "unauthorized", message: "Missing API key" } }).valid).toBe(true);
    expect(schemaValid("Error", { message: "no" }).valid).toBe(false);
  });
});

describe("the documented schemas are the routes' own", () => {
  it("a body the events route stores validates against the documented request schema; one it refuses does not", async () => {
    const accepted = { customer: { email: "openapi@example.com", name: "Open Api" }, name: "purchase", occurredAt: "2026-01-31T12:00:00Z", properties: { amount: 12.5 }, idempotencyKey: "openapi-1" };
    const res = await postEvents(accepted);
    expect(res.status).toBe(202);
    const answer = await res.json();
    expect(schemaValid("EventsRequest", accepted)).toEqual({ valid: true, errors: "No errors" });
    expect(schemaValid("EventsAccepted", answer).errors).toBe("No errors");

    const batch = [accepted, { customer: { externalId: "openapi-ext" }, name: "signed_up" }];
    expect((await postEvents(batch)).status).toBe(202);
    expect(schemaValid("EventsRequest", batch).valid).toBe(true);

    for (const refused of [
      { customer: { email: "openapi@example.com" } }, // no name
      { customer: {}, name: "purchase" }, // no identity
      { customer: { email: "openapi@example.com" }, name: "" }, // empty name
      { customer: { email: "openapi@example.com" }, name: "x", occurredAt: "yesterday" },
      [], // an empty batch
    ]) {
      const r = await postEvents(refused);
      expect(r.status, JSON.stringify(refused)).toBe(400);
      expect(schemaValid("EventsRejected", await r.json()).errors).toBe("No errors");
      expect(schemaValid("EventsRequest", refused).valid, JSON.stringify(refused)).toBe(false);
    }
  });

  it("the customer and timeline answers match their documented schemas", async () => {
    const list = await call("GET", "/api/v1/customers?email=openapi@example.com", { headers: auth() });
    expect(list.status).toBe(200);
    const found = (await list.json()) as { items: { id: string }[] };
    expect(found.items).toHaveLength(1);
    expect(schemaValid("CustomerList", found).errors).toBe("No errors");

    const one = await call("GET", `/api/v1/customers/${found.items[0]!.id}`, { headers: auth() });
    expect(schemaValid("Customer", await one.json()).errors).toBe("No errors");

    // And a customer with messages, where the database has one.
    const withMessages = await t.prisma.timelineEvent.findFirst({ where: { kind: "message" }, select: { customerId: true } });
    for (const id of [found.items[0]!.id, ...(withMessages ? [withMessages.customerId] : [])]) {
      const page = await call("GET", `/api/v1/customers/${id}/timeline?limit=200`, { headers: auth() });
      expect(page.status).toBe(200);
      const body = (await page.json()) as { items: unknown[] };
      expect(body.items.length).toBeGreaterThan(0);
      expect(schemaValid("TimelinePage", body).errors).toBe("No errors");
    }
  });
});

describe("GET /api/docs/reference.js", () => {
  it("serves the renderer from our own origin, gzipped when asked, cacheable", async () => {
    const res = await call("GET", "/api/docs/reference.js", { headers: { "accept-encoding": "gzip, br" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("cache-control")).toMatch(/^public/);
    const js = gunzipSync(Buffer.from(await res.arrayBuffer())).toString("utf8");
    expect(js).toContain("createApiReference");
    const plain = await call("GET", "/api/docs/reference.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect((await plain.arrayBuffer()).byteLength).toBe(Buffer.byteLength(js));
    const again = await call("GET", "/api/docs/reference.js", { headers: { "if-none-match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });
});
