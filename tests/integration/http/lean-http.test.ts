// The lean HTTP layer's own behaviour (src/server/http/app.ts): what it answers
// for paths and methods it does not serve, and the headers every API answer
// carries now that next.config.mjs no longer adds them.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { buildApiApp, isLeanPath, routeKeys, API_CSP } from "@/server/http/app";

const app = buildApiApp();
const call = (method: string, p: string, init: RequestInit = {}) => app.fetch(new Request(`http://localhost${p}`, { method, ...init }));

describe("the lean HTTP layer", () => {
  it("takes every /api path except next-auth and tRPC, which stay with Next", () => {
    expect(isLeanPath("/api/v1/events")).toBe(true);
    expect(isLeanPath("/api/widget/config?inbox=x")).toBe(true);
    expect(isLeanPath("/api/unknown")).toBe(true);
    expect(isLeanPath("/api/auth/session")).toBe(false);
    expect(isLeanPath("/api/trpc/me.get")).toBe(false);
    expect(isLeanPath("/inbox")).toBe(false);
    expect(isLeanPath("/apiary")).toBe(false);
  });

  it("leaves no Next route handler for a path it serves (no route exists twice)", () => {
    const appDir = path.resolve("src/app/api");
    const nextRoutes: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === "route.ts") nextRoutes.push("/" + path.relative(path.resolve("src/app"), dir).split(path.sep).join("/"));
      }
    };
    walk(appDir);
    expect(nextRoutes.sort()).toEqual(["/api/auth/[...nextauth]", "/api/trpc/[trpc]"]);
    const leanPaths = new Set(routeKeys().map((k) => k.split(" ")[1]));
    for (const r of nextRoutes) expect(leanPaths.has(r)).toBe(false);
  });

  it("answers an unknown API path with the JSON error shape, not a page", async () => {
    const res = await call("GET", "/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No API route at this path." } });
  });

  it("answers a method a route does not take with 405 and the methods it does", async () => {
    const res = await call("DELETE", "/api/v1/events");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("OPTIONS, POST");
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe("method_not_allowed");
    const options = await call("OPTIONS", "/api/v1/customers");
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  it("puts the API's security headers on its answers, and leaves the widget's own policy alone", async () => {
    const res = await call("GET", "/api/v1/customers?email=a@example.com");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-security-policy")).toBe(API_CSP);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const widget = await call("OPTIONS", "/api/widget/config", { headers: { origin: "https://shop.example", "access-control-request-method": "GET" } });
    expect(widget.headers.get("x-frame-options")).toBeNull();
  });
});
