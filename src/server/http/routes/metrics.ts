// GET /api/metrics/export?from=YYYY-MM-DD&to=YYYY-MM-DD → text/csv of the
// supervisor metrics (docs/metrics.md), for signed-in supervisors and admins.
import { viewerFromCookieHeader } from "@/server/auth/session";
import { lastDays, metricsCsv, MetricsError } from "@/server/metrics/metrics";
import { domainErrorResponse } from "../errors";

export async function exportMetrics(req: Request) {
  const viewer = await viewerFromCookieHeader(req.headers.get("cookie") ?? undefined);
  if (!viewer) return Response.json({ error: { code: "unauthorized", message: "Sign in first." } }, { status: 401 });
  if (viewer.role === "agent") return Response.json({ error: { code: "forbidden", message: "Only supervisors and admins may export metrics." } }, { status: 403 });
  const url = new URL(req.url);
  const fallback = lastDays(30);
  const from = url.searchParams.get("from") || fallback.from;
  const to = url.searchParams.get("to") || fallback.to;
  try {
    const csv = await metricsCsv({ from, to });
    return new Response(csv, {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="throughline-metrics-${from}-to-${to}.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof MetricsError) return domainErrorResponse(error);
    throw error;
  }
}
