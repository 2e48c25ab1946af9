// The instance's signing keys, one per purpose. All derive (HKDF-SHA256) from
// one root: NEXTAUTH_SECRET when the operator set it, otherwise a random root
// this instance generated on its first start and keeps in its database
// (src/server/security/instance-secrets.ts). Separate purposes mean a key that
// leaks for one (say a survey-link key in a log) cannot sign sessions.
import { hkdfSync } from "node:crypto";
import { envByName, envValue } from "@/env";

export const SECRET_PURPOSES = ["sessions", "visitor-tokens", "webhook-signing", "survey-links", "attachment-links", "image-proxy"] as const;
export type SecretPurpose = (typeof SECRET_PURPOSES)[number];

/**
 * Values that were ever published as defaults (old .env.example files). Anyone
 * can sign with them, so they are refused as secrets wherever they appear.
 */
export const PUBLIC_SECRET_VALUES: ReadonlySet<string> = new Set([
  "dev-only-change-me-0123456789abcdef",
  "demo-inbox-token-change-me",
  "tl_demo_api_key_change_me",
  "demo-widget-identity-secret",
  "demo-meta-app-secret",
  "demo-meta-verify-token",
  "demo-telegram-webhook-secret",
  "demo-x-consumer-secret",
]);

type State = { root?: string; source?: "environment" | "instance"; derived: Map<SecretPurpose, string> };
const store = globalThis as unknown as { __throughlineSecrets?: State };
// globalThis, not a module variable: Next bundles its own copy of this module
// for route handlers, and both copies must see the keys loaded at start-up.
const state = (): State => (store.__throughlineSecrets ??= { derived: new Map() });

export function deriveSecret(root: string, purpose: SecretPurpose): string {
  return Buffer.from(hkdfSync("sha256", root, "throughline", `throughline/${purpose}/v1`, 32)).toString("base64url");
}

/** Sets the root for this process (start-up, after reading the database). */
export function setSecretRoot(root: string, source: "environment" | "instance") {
  const s = state();
  s.root = root;
  s.source = source;
  s.derived.clear();
}

export function secretRootSource(): "environment" | "instance" | undefined {
  return state().source;
}

/**
 * The operator's NEXTAUTH_SECRET itself, which earlier versions signed with
 * directly: only to honour what they issued (v1 visitor tokens, survey links
 * still in inboxes) while it lasts. Undefined for a generated root.
 */
export function legacySigningRoot(): string | undefined {
  const s = state();
  if (s.root) return s.source === "environment" ? s.root : undefined;
  return usableEnvSecret(envValue("NEXTAUTH_SECRET"));
}

/** The key for one purpose. Throws before start-up loaded the root. */
export function purposeSecret(purpose: SecretPurpose): string {
  const s = state();
  // In-process callers (scripts, tests) that set NEXTAUTH_SECRET themselves.
  const root = s.root ?? usableEnvSecret(envValue("NEXTAUTH_SECRET"));
  if (!root) throw new Error("Signing keys are not loaded yet (loadInstanceSecrets runs at start-up).");
  if (!s.root) return deriveSecret(root, purpose);
  let key = s.derived.get(purpose);
  if (!key) s.derived.set(purpose, (key = deriveSecret(root, purpose)));
  return key;
}

function usableEnvSecret(value: string | undefined): string | undefined {
  return value && !PUBLIC_SECRET_VALUES.has(value) ? value : undefined;
}

/**
 * A secret named by an environment variable (an inbox's signing secret, the
 * demo API key…): set by the operator, or generated for this instance at start.
 */
export function namedSecret(name: string): string {
  const value = envByName(name);
  if (!value) throw new Error(`${name} is not set and was not generated at start-up.`);
  return value;
}
