// Signed, expiring survey links: "<survey id>.<expiry, base36 seconds>.<HMAC>"
// with HMAC-SHA256 keyed by the survey-links key. The signature makes a link
// unguessable and tamper-proof; the database row (Survey.token) is the record.
import { createHmac, timingSafeEqual } from "node:crypto";
import { legacySigningRoot, purposeSecret } from "@/server/security/secrets";
import { isUuid } from "@/server/db/ids";
import { publicUrl } from "@/env";

export const SURVEY_TTL_MS = 7 * 24 * 60 * 60 * 1000;

function secret(): string {
  return purposeSecret("survey-links");
}

function sign(payload: string, key = secret()): string {
  return createHmac("sha256", key).update(`survey:${payload}`).digest("base64url").slice(0, 32);
}

// Links sent before per-purpose keys were signed with NEXTAUTH_SECRET itself;
// they stay good until they expire (7 days), and only with that operator's root.
function signatures(payload: string): string[] {
  const legacy = legacySigningRoot();
  return [sign(payload), ...(legacy ? [sign(payload, legacy)] : [])];
}

export function signSurveyToken(surveyId: string, expiresAt: Date): string {
  const payload = `${surveyId}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
  return `${payload}.${sign(payload)}`;
}

export type TokenCheck = { ok: true; surveyId: string; expiresAt: Date; expired: boolean } | { ok: false };

/** Checks the signature; reports expiry separately so the page can say "expired". */
export function verifySurveyToken(token: string, now = new Date()): TokenCheck {
  if (typeof token !== "string" || token.length > 120) return { ok: false };
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false };
  const [id, exp, sig] = parts as [string, string, string];
  if (!isUuid(id) || !/^[0-9a-z]{1,10}$/.test(exp)) return { ok: false };
  const given = Buffer.from(sig);
  const matches = signatures(`${id}.${exp}`).some((s) => {
    const expected = Buffer.from(s);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!matches) return { ok: false };
  const expiresAt = new Date(parseInt(exp, 36) * 1000);
  return { ok: true, surveyId: id, expiresAt, expired: expiresAt.getTime() <= now.getTime() };
}

export function surveyUrl(token: string): string {
  return `${publicUrl()}/survey/${token}`;
}
