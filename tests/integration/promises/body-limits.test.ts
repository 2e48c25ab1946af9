// Body limits on every endpoint, generated from the route files: for each
// route that takes a body, a declared Content-Length one byte over its limit is
// answered 413 before anything is read, a body without a length (chunked) 411,
// and a body within the limit gets past the edge to the route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "../../helpers/db";
import { startAppServer, TEST_SECRETS, type AppServer } from "../../helpers/app-server";
import { routeKeys } from "@/server/http/app";
import { bodyLimitFor, bodyLimitRules } from "@/server/security/body-limits";

const EMAIL_MAX_BYTES = 25 * 1024 * 1024;
const rules = bodyLimitRules(EMAIL_MAX_BYTES);

/** Every (method, path) with a body, from the lean HTTP layer's table and src/app/api/**\/route.ts; [params] become sample values. */
function bodyRoutes(): { method: string; path: string }[] {
  const root = path.resolve("src/app/api");
  const out: { method: string; path: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === "route.ts") {
        const source = readFileSync(p, "utf8");
        const route = "/api/" + path.relative(root, path.dirname(p)).split(path.sep).join("/");
        const sample = route.replace(/\[\.\.\.[^\]]+\]/g, "callback/credentials").replace(/\[[^\]]+\]/g, "00000000-0000-7000-8000-000000000000");
        for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
          if (new RegExp(`export (async function ${method}\\b|const ${method}\\b|\\{[^}]*\\b${method}\\b[^}]*\\})`).test(source)) out.push({ method, path: sample });
        }
      }
    }
  };
  walk(root);
  for (const key of routeKeys()) {
    const [method, route] = key.split(" ") as [string, string];
    if (["POST", "PUT", "PATCH", "DELETE"].includes(method)) out.push({ method, path: route.replace(/\[[^\]]+\]/g, "00000000-0000-7000-8000-000000000000") });
  }
  return out;
}

/** Sends only the headers (and a few bytes), as a client starting a huge upload would. */
function rawRequest(url: string, method: string, route: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${route}`, { method, headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.write("{");
    // Never finish the body: the server must answer without waiting for it.
  });
}

let t: TestDatabase;
let app: AppServer;
const routes = bodyRoutes();

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startAppServer({ databaseUrl: t.url });
});
afterAll(async () => {
  await app?.stop();
  await t?.drop();
});

describe("body limits at the edge", () => {
  it("finds the routes that take a body", () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect(routes).toContainEqual({ method: "POST", path: "/api/v1/events" });
    expect(routes).toContainEqual({ method: "POST", path: "/api/inbound/email" });
  });

  it.each(routes.map((r) => [r.method, r.path] as const))("%s %s: one byte over its limit → 413 before reading; no length → 411", async (method, route) => {
    const limit = bodyLimitFor(route, rules);
    expect(limit, "every route has a limit").toBeGreaterThan(0);
    const over = await rawRequest(app.url, method, route, { "content-type": "application/json", "content-length": String(limit! + 1) });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toMatchObject({ error: { code: "payload_too_large" } });
    const chunked = await rawRequest(app.url, method, route, { "content-type": "application/json", "transfer-encoding": "chunked" });
    expect(chunked.status).toBe(411);
  });

  it("pages and server actions are bounded too; socket.io keeps its own limit", () => {
    expect(bodyLimitFor("/settings/channels", rules)).toBe(1024 * 1024);
    expect(bodyLimitFor("/socket.io/?EIO=4&transport=polling", rules)).toBeNull();
  });

  it("a body within the limit reaches the route", async () => {
    // 900 KB of events: past the edge; the route answers it (202, or its own 4xx — never 411/413 from the edge).
    const events = Array.from({ length: 900 }, (_, i) => ({ customer: { email: `limit-${i}@example.test` }, name: "custom", properties: { pad: "x".repeat(900) } }));
    const body = JSON.stringify(events);
    expect(body.length).toBeLessThan(1024 * 1024);
    expect(body.length).toBeGreaterThan(800 * 1024);
    const res = await fetch(`${app.url}/api/v1/events`, { method: "POST", headers: { authorization: `Bearer ${TEST_SECRETS.DEMO_API_KEY}`, "content-type": "application/json" }, body });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(900);
  });
});
