// API-key authentication for /api/v1: "Authorization: Bearer <key>", then the
// key's rate limit (API_KEY_RATE_LIMIT requests per minute, shared across
// processes through Redis when REDIS_URL is set; 0 = unlimited).
import { envValue } from "@/env";
import { hasScope, verifyApiKey, type ApiKeyPrincipal } from "@/server/api-keys/keys";
import { rateLimits, retryAfterSeconds } from "@/server/security/limits";
import { HttpError } from "./errors";

const CHALLENGE = { "www-authenticate": 'Bearer realm="throughline"' };

export async function requireApiKey(req: Request, scope: string): Promise<ApiKeyPrincipal> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, "unauthorized", "Missing API key: send Authorization: Bearer <key>.", undefined, CHALLENGE);
  const principal = await verifyApiKey(match[1]!);
  if (!principal) throw new HttpError(401, "unauthorized", "Invalid or revoked API key.", undefined, CHALLENGE);
  await enforceKeyLimit(principal);
  if (!hasScope(principal.scopes, scope)) throw new HttpError(403, "forbidden", `This API key lacks the "${scope}" scope.`);
  return principal;
}

// Counted per key id (not per address): one integration's burst cannot starve another's.
async function enforceKeyLimit(principal: ApiKeyPrincipal) {
  const perMinute = envValue("API_KEY_RATE_LIMIT");
  if (perMinute <= 0) return;
  const result = await rateLimits().consume("api-key", { points: perMinute, durationSec: 60 }, principal.id);
  if (result.ok) return;
  const retryAfter = retryAfterSeconds(result.retryAfterMs);
  throw new HttpError(429, "rate_limited", `This API key made more than ${perMinute} requests in a minute. Try again in ${retryAfter} s.`, undefined, {
    "retry-after": String(retryAfter),
  });
}
