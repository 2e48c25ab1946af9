// GET /metrics → this process's Prometheus metrics (text format), for a
// scraper sending "Authorization: Bearer <METRICS_TOKEN>". Without
// METRICS_TOKEN the endpoint is off (404). What is measured, and what to
// alert on: docs/operations.md.
import { envValue } from "@/env";
import { renderMetrics } from "@/server/observability/metrics";
import { checkScrapeAuth } from "@/server/observability/scrape-auth";
import { errorResponse } from "../errors";

const CHALLENGE = { "www-authenticate": 'Bearer realm="metrics"' };

export async function getPrometheusMetrics(req: Request): Promise<Response> {
  const token = envValue("METRICS_TOKEN");
  if (!token) return errorResponse(404, "not_found", "Set METRICS_TOKEN to enable /metrics.");
  const auth = checkScrapeAuth(req.headers.get("authorization"), token);
  if (auth === "missing") return errorResponse(401, "unauthorized", "Missing token: send Authorization: Bearer <METRICS_TOKEN>.", { headers: CHALLENGE });
  if (auth === "wrong") return errorResponse(401, "unauthorized", "Invalid metrics token.", { headers: CHALLENGE });
  const { contentType, body } = await renderMetrics();
  return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
}
