// API keys in the admin settings: list (never the key, only its prefix),
// create (the key is returned once, to be shown once), revoke. Audited; the
// audit row names the key's prefix, never the key.
import { db } from "@/server/db";
import { audit } from "@/server/people/access";
import { API_SCOPES, createApiKey, revokeApiKey } from "./keys";

export type ApiScope = (typeof API_SCOPES)[number];

export async function listApiKeys() {
  return db.apiKey.findMany({
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true, createdBy: { select: { id: true, name: true, deactivatedAt: true } } },
  });
}

export async function issueApiKey(input: { name: string; scopes: ApiScope[] }, actorUserId: string | null) {
  const scopes = API_SCOPES.filter((s) => input.scopes.includes(s));
  const created = await createApiKey({ name: input.name, scopes, createdById: actorUserId });
  await audit(db, actorUserId, "api_key.created", "api_key", created.id, { name: input.name, prefix: created.prefix, scopes });
  return { id: created.id, prefix: created.prefix, name: input.name, scopes, key: created.key };
}

/** False when the key does not exist or was already revoked. */
export async function revokeApiKeyAsAdmin(id: string, actorUserId: string | null): Promise<boolean> {
  const row = await db.apiKey.findUnique({ where: { id }, select: { name: true, prefix: true } });
  if (!row) return false;
  const revoked = await revokeApiKey(id);
  if (revoked) await audit(db, actorUserId, "api_key.revoked", "api_key", id, { name: row.name, prefix: row.prefix });
  return revoked;
}
