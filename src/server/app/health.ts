// GET /api/health: {"status":"ok","db":"ok"} when ready, 503 otherwise.
import { getDb } from "@/server/db";
import { transportHealth } from "@/server/realtime/transport-health";

export type HealthReport = { status: "ok" | "degraded" | "down"; db: "ok" | "down"; redis?: "ok" | "down" };

export async function healthReport(): Promise<HealthReport> {
  let dbOk = false;
  try {
    await Promise.race([
      getDb().$queryRaw`SELECT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2_000)),
    ]);
    dbOk = true;
  } catch {
    dbOk = false;
  }
  const redis = transportHealth();
  const report: HealthReport = { status: dbOk ? (redis === "down" ? "degraded" : "ok") : "down", db: dbOk ? "ok" : "down" };
  if (redis) report.redis = redis;
  return report;
}
