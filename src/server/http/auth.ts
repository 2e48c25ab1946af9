// API-key authentication for /api/v1: "Authorization: Bearer <key>".
import { hasScope, verifyApiKey, type ApiKeyPrincipal } from "@/server/api-keys/keys";
import { HttpError } from "./errors";

const CHALLENGE = { "www-authenticate": 'Bearer realm="throughline"' };

export async function requireApiKey(req: Request, scope: string): Promise<ApiKeyPrincipal> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, "unauthorized", "Missing API key: send Authorization: Bearer <key>.", undefined, CHALLENGE);
  const principal = await verifyApiKey(match[1]!);
  if (!principal) throw new HttpError(401, "unauthorized", "Invalid or revoked API key.", undefined, CHALLENGE);
  if (!hasScope(principal.scopes, scope)) throw new HttpError(403, "forbidden", `This API key lacks the "${scope}" scope.`);
  return principal;
}
