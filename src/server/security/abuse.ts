// Abuse limits at the edge of the custom server, before Next does any work:
// sign-in attempts per client IP (on top of the per-account lockout) and
// unauthenticated public endpoints per IP. In memory per process; with several
// processes each enforces its own share (documented in docs/deploy.md).
import type http from "node:http";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

type Rule = { test: (req: http.IncomingMessage) => boolean; limiter: RateLimiterMemory; what: string };

const rules: Rule[] = [
  {
    what: "sign-in attempts",
    test: (req) => req.method === "POST" && (req.url ?? "").startsWith("/api/auth/callback/credentials"),
    limiter: new RateLimiterMemory({ keyPrefix: "login", points: 60, duration: 5 * 60 }),
  },
  {
    what: "requests to public endpoints",
    test: (req) => /^\/api\/(widget|surveys)\//.test(req.url ?? "") || ((req.url ?? "").startsWith("/setup") && req.method === "POST"),
    limiter: new RateLimiterMemory({ keyPrefix: "public", points: 300, duration: 60 }),
  },
];

function clientIp(req: http.IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

/** Answers 429 and returns true when the request is over a limit. */
export async function rejectIfOverLimit(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  for (const rule of rules) {
    if (!rule.test(req)) continue;
    try {
      await rule.limiter.consume(clientIp(req));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) });
      res.end(JSON.stringify({ error: { code: "rate_limited", message: `Too many ${rule.what} from this address. Try again in ${retryAfter} s.` } }));
      return true;
    }
  }
  return false;
}
