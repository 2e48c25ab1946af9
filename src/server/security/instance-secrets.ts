// Start-up: no secret ever comes from a published default. Every secret the
// environment leaves unset is generated once, stored in instance_secrets, and
// read back by every later start and every other process on the database
// (insert-if-absent, then read: two processes starting together agree).
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/generated/prisma/client";
import { PUBLIC_SECRET_VALUES, setSecretRoot } from "./secrets";

/** Secrets named by environment variables that an unset value is generated for. */
export const GENERATED_ENV_SECRETS = {
  DEMO_API_KEY: () => `tl_${randomBytes(24).toString("base64url")}`,
  DEMO_INBOX_TOKEN: () => randomBytes(24).toString("base64url"),
  WIDGET_IDENTITY_SECRET: () => randomBytes(32).toString("hex"),
  // Platform secrets come from the platform; until set, a random value means
  // no one can forge that platform's webhooks.
  META_APP_SECRET: () => randomBytes(32).toString("hex"),
  META_VERIFY_TOKEN: () => randomBytes(24).toString("base64url"),
  TELEGRAM_WEBHOOK_SECRET: () => randomBytes(32).toString("base64url"),
  X_CONSUMER_SECRET: () => randomBytes(32).toString("base64url"),
} as const;
export type GeneratedEnvSecret = keyof typeof GENERATED_ENV_SECRETS;

const ROOT = "root";
const newRoot = () => randomBytes(48).toString("base64url");

export class PublicSecretError extends Error {}

/** Refuses a published default as a secret (a stale .env copied from an old .env.example). */
export function assertNoPublicSecrets(source: Record<string, string | undefined> = process.env) {
  for (const name of ["NEXTAUTH_SECRET", ...Object.keys(GENERATED_ENV_SECRETS)]) {
    const value = source[name];
    if (value && PUBLIC_SECRET_VALUES.has(value))
      throw new PublicSecretError(`Invalid environment variable ${name}: it is a published demo value; unset it (a random one is generated) or set your own`);
  }
}

export type LoadedSecrets = { rootSource: "environment" | "instance"; generated: string[]; stored: string[] };

export async function loadInstanceSecrets(db: PrismaClient, env: NodeJS.ProcessEnv = process.env): Promise<LoadedSecrets> {
  assertNoPublicSecrets(env);
  const wanted = new Map<string, () => string>();
  if (!env.NEXTAUTH_SECRET) wanted.set(ROOT, newRoot);
  for (const [name, make] of Object.entries(GENERATED_ENV_SECRETS)) if (!env[name]) wanted.set(`env:${name}`, make);

  const generated: string[] = [];
  const stored: string[] = [];
  if (wanted.size > 0) {
    const names = [...wanted.keys()];
    // RETURNING names only the rows this process inserted: when two processes start
    // together, one of them generated each secret, and only that one says so.
    const inserted = new Set<string>();
    for (const name of names) {
      const rows = await db.$queryRaw<{ name: string }[]>`INSERT INTO instance_secrets (name, value) VALUES (${name}, ${wanted.get(name)!()}) ON CONFLICT (name) DO NOTHING RETURNING name`;
      for (const r of rows) inserted.add(r.name);
    }
    const rows = await db.instanceSecret.findMany({ where: { name: { in: names } } });
    for (const row of rows) {
      (inserted.has(row.name) ? generated : stored).push(row.name === ROOT ? ROOT : row.name.slice(4));
      if (row.name === ROOT) setSecretRoot(row.value, "instance");
      else env[row.name.slice(4)] = row.value;
    }
  }
  if (env.NEXTAUTH_SECRET) setSecretRoot(env.NEXTAUTH_SECRET, "environment");
  return { rootSource: env.NEXTAUTH_SECRET ? "environment" : "instance", generated, stored };
}
