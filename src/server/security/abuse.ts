// Abuse limits at the edge of the custom server, before Next does any work:
// sign-in attempts per client IP (on top of the per-account lockout) and
// unauthenticated public endpoints per IP. Counted in Redis when REDIS_URL is
// set, so the limit holds across processes (./limits.ts).
import type http from "node:http";
import { env } from "@/env";
import { rateLimits, retryAfterSeconds, type Limit } from "./limits";
import { clientIp } from "./client-ip";

type Rule = { name: string; test: (req: http.IncomingMessage) => boolean; limit: () => Limit; what: string };

export const ABUSE_RULES: Rule[] = [
  {
    name: "login",
    what: "sign-in attempts",
    test: (req) => req.method === "POST" && (req.url ?? "").startsWith("/api/auth/callback/credentials"),
    limit: () => ({ points: env().SIGNIN_RATE_LIMIT, durationSec: 5 * 60 }),
  },
  {
    name: "public",
    what: "requests to public endpoints",
    test: (req) => /^\/api\/(widget|surveys)\//.test(req.url ?? "") || ((req.url ?? "").startsWith("/setup") && req.method === "POST"),
    limit: () => ({ points: 300, durationSec: 60 }),
  },
];

/** Answers 429 and returns true when the request is over a limit. */
export async function rejectIfOverLimit(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  for (const rule of ABUSE_RULES) {
    if (!rule.test(req)) continue;
    const result = await rateLimits().consume(rule.name, rule.limit(), clientIp(req, env().TRUST_PROXY));
    if (result.ok) continue;
    const retryAfter = retryAfterSeconds(result.retryAfterMs);
    res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) });
    res.end(JSON.stringify({ error: { code: "rate_limited", message: `Too many ${rule.what} from this address. Try again in ${retryAfter} s.` } }));
    return true;
  }
  return false;
}
