// Links and tokens issued before per-purpose keys were signed with
// NEXTAUTH_SECRET itself. After the upgrade they keep working until they lapse
// — but only when the root is the operator's NEXTAUTH_SECRET, never with a
// generated root (which never signed them) and never as a way to sign new ones.
import { createHmac, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { setSecretRoot } from "@/server/security/secrets";
import { signSurveyToken, verifySurveyToken } from "@/server/surveys/token";

const ROOT = "operator-root-secret-0123456789";
const store = globalThis as unknown as { __throughlineSecrets?: unknown };
afterEach(() => {
  store.__throughlineSecrets = undefined;
});

function oldSurveyToken(surveyId: string, expiresAt: Date, secret: string) {
  const payload = `${surveyId}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
  return `${payload}.${createHmac("sha256", secret).update(`survey:${payload}`).digest("base64url").slice(0, 32)}`;
}

describe("signatures made before per-purpose keys", () => {
  it("a survey link signed with NEXTAUTH_SECRET itself still opens with that root; new links use the derived key", () => {
    setSecretRoot(ROOT, "environment");
    const id = randomUUID();
    const expires = new Date(Date.now() + 86_400_000);
    const old = oldSurveyToken(id, expires, ROOT);
    expect(verifySurveyToken(old)).toMatchObject({ ok: true, surveyId: id, expired: false });
    expect(signSurveyToken(id, expires)).not.toBe(old);
    expect(verifySurveyToken(signSurveyToken(id, expires))).toMatchObject({ ok: true, surveyId: id });
  });

  it("with a generated root the old format opens nothing", () => {
    setSecretRoot(ROOT, "instance");
    const id = randomUUID();
    expect(verifySurveyToken(oldSurveyToken(id, new Date(Date.now() + 86_400_000), ROOT))).toEqual({ ok: false });
  });
});
