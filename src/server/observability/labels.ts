// Label values of the Prometheus metrics (./metrics.ts), kept to small fixed
// sets: a label value per URL, id or unknown method would make every request
// a new time series.

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The request method, or "other" for anything outside HTTP's usual few. */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : "other";
}

/** "2xx", "4xx", …; "unknown" for what is not an HTTP status. */
export function statusClass(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : "unknown";
}

/**
 * The route label of a request the lean HTTP layer answered, from the path
 * pattern of the route that matched ("/api/v1/customers/:id"). Hono reports
 * "*" (its catch-all middleware) when no route matched: those share one label.
 */
export function leanRouteLabel(matchedPattern: string | undefined): string {
  return !matchedPattern || matchedPattern === "*" || matchedPattern.includes("*") ? "unmatched" : matchedPattern;
}

/** The route label of a request Next answers: "trpc" for the console's API, "next" for pages and next-auth. */
export function nextRouteLabel(url: string | undefined): string {
  const path = (url ?? "/").split("?", 1)[0]!;
  return path === "/api/trpc" || path.startsWith("/api/trpc/") ? "trpc" : "next";
}
