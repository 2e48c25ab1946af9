// API keys for the public REST and events APIs. The key is shown once at
// creation; only its SHA-256 is stored (see ./hash.ts). Scopes are "*" (full
// access), "<resource>:*" or a single permission such as "events:write".
import { db } from "@/server/db";
import { bus } from "@/server/events/bus";
import { generateApiKey, hashApiKey } from "./hash";
import { envValue } from "@/env";

export type ApiKeyPrincipal = { id: string; name: string; scopes: string[] };

export const API_SCOPES = ["customers:read", "events:write"] as const;

// lastUsedAt is for admins ("used 3 minutes ago"), not auditing: writing it on
// every request would put a row lock on the hot path of every integration.
const LAST_USED_RESOLUTION_MS = 60_000;

export async function createApiKey(args: { name: string; scopes?: string[]; createdById?: string | null }) {
  const { key, prefix, hash } = generateApiKey();
  const row = await db.apiKey.create({
    data: { name: args.name, prefix, keyHash: hash, scopes: args.scopes ?? ["*"], createdById: args.createdById ?? null },
    select: { id: true },
  });
  return { id: row.id, key, prefix };
}

export async function revokeApiKey(id: string): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  forgetVerifiedKey(id);
  if (count > 0) bus.publish({ type: "api_key.revoked", apiKeyId: id });
  return count > 0;
}

/** Drops a key from this process's verified-key cache (other processes hear of revocations through realtime/server.ts). */
export function forgetVerifiedKey(apiKeyId: string) {
  for (const [hash, entry] of verified) if (entry.principal.id === apiKeyId) verified.delete(hash);
}

// Verified keys are remembered for a few seconds: integrations send bursts of
// requests, and a database round trip per request is most of an event's cost.
// Revocation through revokeApiKey takes effect at once in this process and,
// through socket.io's Redis adapter when scaled out, in the others; a
// revocation made behind the app's back (SQL) within VERIFIED_TTL_MS.
const VERIFIED_TTL_MS = 10_000;
const VERIFIED_MAX = 1_000;
const g = globalThis as unknown as { __throughlineVerifiedKeys?: Map<string, { principal: ApiKeyPrincipal; at: number }> };
// On globalThis: server.ts and Next's bundled route handlers share one cache.
const verified = (g.__throughlineVerifiedKeys ??= new Map());

/** The key's principal, or null when the key is unknown or revoked. */
export async function verifyApiKey(key: string): Promise<ApiKeyPrincipal | null> {
  if (!key || key.length > 512) return null;
  const keyHash = hashApiKey(key);
  // Per database: tests point one process at many.
  const cacheKey = `${envValue("DATABASE_URL") ?? ""}|${keyHash}`;
  const hit = verified.get(cacheKey);
  if (hit && Date.now() - hit.at < VERIFIED_TTL_MS) return hit.principal;
  const principal = await loadPrincipal(keyHash);
  if (principal) {
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(cacheKey, { principal, at: Date.now() });
  } else verified.delete(cacheKey);
  return principal;
}

async function loadPrincipal(keyHash: string): Promise<ApiKeyPrincipal | null> {
  const row = await db.apiKey.findUnique({
    where: { keyHash },
    select: { id: true, name: true, scopes: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row || row.revokedAt) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const cutoff = new Date(now - LAST_USED_RESOLUTION_MS);
    // Conditional, so concurrent requests write it once.
    await db.apiKey.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: cutoff } }] },
      data: { lastUsedAt: new Date(now) },
    });
  }
  return { id: row.id, name: row.name, scopes: row.scopes };
}

export function hasScope(scopes: string[], needed: string): boolean {
  const [resource] = needed.split(":");
  return scopes.includes("*") || scopes.includes(needed) || scopes.includes(`${resource}:*`);
}
