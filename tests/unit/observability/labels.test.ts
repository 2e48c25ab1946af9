// The label values of the Prometheus metrics stay within small fixed sets.
import { describe, expect, it } from "vitest";
import { leanRouteLabel, methodLabel, nextRouteLabel, statusClass } from "@/server/observability/labels";

const ID = "0199a3c4-0000-7000-8000-000000000000";

describe("metric labels", () => {
  it("name a lean route by its pattern, and every unmatched path by one label", () => {
    const patterns = ["/api/v1/customers/:id/timeline", "/metrics", "*", "/api/*", undefined];
    expect(patterns.map(leanRouteLabel)).toEqual(["/api/v1/customers/:id/timeline", "/metrics", "unmatched", "unmatched", "unmatched"]);
  });

  it("name what Next answers trpc or next, whatever the URL", () => {
    const urls = ["/api/trpc/me.get?batch=1", "/api/trpc", "/api/trpcx", `/customers/${ID}`, "/api/auth/session", undefined];
    expect(urls.map(nextRouteLabel)).toEqual(["trpc", "trpc", "next", "next", "next", "next"]);
  });

  it("fold statuses into classes and odd methods into one", () => {
    expect([200, 202, 304, 401, 404, 429, 500, 503, 0, 42.5].map(statusClass)).toEqual(["2xx", "2xx", "3xx", "4xx", "4xx", "4xx", "5xx", "5xx", "unknown", "unknown"]);
    expect(["get", "OPTIONS", "PROPFIND"].map(methodLabel)).toEqual(["GET", "OPTIONS", "other"]);
  });
});
