// Who may scrape /metrics: exactly "Bearer <METRICS_TOKEN>".
import { describe, expect, it } from "vitest";
import { checkScrapeAuth } from "@/server/observability/scrape-auth";

const TOKEN = "metrics-token-0123456789";

describe("the scrape token check", () => {
  it("accepts the token as a bearer token (scheme case-insensitive, trailing space allowed)", () => {
    expect(checkScrapeAuth(`Bearer ${TOKEN}`, TOKEN)).toBe("ok");
    expect(checkScrapeAuth(`bearer ${TOKEN} `, TOKEN)).toBe("ok");
  });

  it("tells a missing or malformed header from a wrong token", () => {
    expect(checkScrapeAuth(null, TOKEN)).toBe("missing");
    expect(checkScrapeAuth("", TOKEN)).toBe("missing");
    expect(checkScrapeAuth(TOKEN, TOKEN)).toBe("missing");
    expect(checkScrapeAuth(`Basic ${TOKEN}`, TOKEN)).toBe("missing");
    expect(checkScrapeAuth(`Bearer ${TOKEN} extra`, TOKEN)).toBe("missing");
  });

  it("refuses any other token: a prefix, a longer one, another case", () => {
    expect(checkScrapeAuth(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe("wrong");
    expect(checkScrapeAuth(`Bearer ${TOKEN}0`, TOKEN)).toBe("wrong");
    expect(checkScrapeAuth(`Bearer ${TOKEN.toUpperCase()}`, TOKEN)).toBe("wrong");
  });
});
