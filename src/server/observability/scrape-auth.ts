// Who may scrape /metrics: "Authorization: Bearer <METRICS_TOKEN>". Both
// sides are hashed before the constant-time comparison, so neither the
// token's contents nor its length show in the timing.
import { createHash, timingSafeEqual } from "node:crypto";

export type ScrapeAuth = "ok" | "missing" | "wrong";

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest();

export function checkScrapeAuth(authorization: string | null | undefined, token: string): ScrapeAuth {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) return "missing";
  return timingSafeEqual(sha256(match[1]!), sha256(token)) ? "ok" : "wrong";
}
