// The one place that reads and validates configuration. Every variable is
// listed in .env.example with its default; a bad value stops start-up with one
// line naming the variable (see formatEnvError).
import { z } from "zod";
import { invalidAllowlistEntries } from "./server/net/allowlist";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const port = z.coerce.number().int().min(1).max(65535);
const url = z.string().url();
// Secrets are optional: whatever is unset is generated once for this instance
// and kept in its database (src/server/security/instance-secrets.ts).
const secret = z.string().min(8, "must be at least 8 characters").optional();

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /**
   * What this process runs: "web" serves HTTP, sockets and SMTP and enqueues
   * background work; "worker" runs the job queue's workers and periodic tasks
   * (no HTTP); "all" (default) both in one process.
   */
  ROLE: z.enum(["web", "worker", "all"]).default("all"),
  /** Seconds between a job worker's polls for new jobs (new jobs also wake it via LISTEN/NOTIFY); min 0.5. */
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  PORT: port.default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: url.optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional(),
  EMBEDDED_PG_PORT: port.default(54329),
  EMBEDDED_PG_DIR: z.string().default(".data/postgres"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").optional(),
  /** Namespaces every Redis key and channel (socket.io adapter, presence, rate limits). */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 characters of [A-Za-z0-9_.:-]")
    .default("throughline"),
  /** Seconds a crashed process's presence entries outlive it (heartbeat every third of it). */
  PRESENCE_TTL_SECONDS: z.coerce.number().int().min(3).max(3600).default(30),
  /** Requests per minute per API key; 0 = unlimited. */
  API_KEY_RATE_LIMIT: z.coerce.number().int().min(0).default(600),
  /** Sign-in attempts per client address per 5 minutes (on top of the per-account lockout). */
  SIGNIN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(60),
  /** Reverse proxies in front whose X-Forwarded-For the per-IP limits trust (0 = none). */
  TRUST_PROXY: z
    .preprocess((v) => (v === "true" ? "1" : v === "false" ? "0" : v), z.coerce.number().int().min(0).max(10))
    .default(0),
  SEED: bool.default(true),
  /** How often each process re-checks its open console sockets against their session rows (ended, expired). */
  SESSION_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters (32+ random bytes recommended)").optional(),
  /** Bearer token a Prometheus scraper sends to GET /metrics; unset = /metrics is off (404). Never generated. */
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  NEXTAUTH_URL: url.optional(),
  SMTP_PORT: port.default(2525),
  SMTP_HOST: z.string().default("0.0.0.0"),
  SMTP_TLS_KEY: z.string().optional(),
  SMTP_TLS_CERT: z.string().optional(),
  EMAIL_MAX_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  SMTP_RELAY_URL: z.string().regex(/^smtps?:\/\//, "must be an smtp:// URL").optional(),
  DEMO_INBOX_TOKEN: secret,
  DEMO_API_KEY: secret,
  WIDGET_IDENTITY_SECRET: secret,
  META_APP_SECRET: secret,
  META_VERIFY_TOKEN: secret,
  META_PAGE_TOKEN: z.string().optional(),
  INSTAGRAM_TOKEN: z.string().optional(),
  WHATSAPP_TOKEN: z.string().optional(),
  TELEGRAM_WEBHOOK_SECRET: secret,
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  X_CONSUMER_SECRET: secret,
  X_ACCESS_TOKEN: z.string().optional(),
  META_GRAPH_URL: url.default("https://graph.facebook.com/v21.0"),
  WHATSAPP_GRAPH_URL: url.default("https://graph.facebook.com/v21.0"),
  TELEGRAM_API_URL: url.default("https://api.telegram.org"),
  X_API_URL: url.default("https://api.x.com"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Internal (tests shorten it): how long a widget visitor's previous token still works after a renewal. */
  WIDGET_TOKEN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  OUTBOUND_ALLOWLIST: z.string().optional().refine((v) => invalidAllowlistEntries(v).length === 0, { error: (i) => `not a CIDR, address or host name: ${invalidAllowlistEntries(String(i.input)).join(", ")}` }),
  /** OpenID Connect single sign-on (docs/sso.md): issuer, client id and secret go together; unset = passwords only. */
  OIDC_ISSUER: url.optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  /** The login button says "Sign in with <this>". */
  OIDC_DISPLAY_NAME: z.string().trim().min(1).max(60, "must be at most 60 characters").default("Single sign-on"),
  OIDC_SCOPES: z
    .string()
    .trim()
    .default("openid email profile")
    .refine((v) => v.split(/\s+/).includes("openid"), "must include openid"),
  /** Email domains single sign-on accepts (comma list); empty = any verified email. */
  OIDC_ALLOWED_DOMAINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const domains = (v ?? "").split(",").map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean);
      const bad = domains.filter((d) => !DOMAIN.test(d));
      if (bad.length) ctx.issues.push({ code: "custom", message: `not a domain: ${bad.join(", ")}`, input: v });
      return domains;
    }),
  /** The claim carrying the user's groups or roles; a dotted path reaches into objects ("realm_access.roles"). */
  OIDC_ROLE_CLAIM: z.string().trim().min(1).optional(),
  /** "value=role" pairs, first match wins, "*" matches any value: "helpdesk-admins=admin,*=agent". */
  OIDC_ROLE_MAP: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const rules: OidcRoleRule[] = [];
      for (const pair of (v ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
        const i = pair.lastIndexOf("=");
        const value = i > 0 ? pair.slice(0, i).trim() : "";
        const role = i > 0 ? pair.slice(i + 1).trim() : "";
        if (!value || !ROLES.includes(role as OidcRoleRule["role"])) {
          ctx.issues.push({ code: "custom", message: `"${pair}" is not value=admin|supervisor|agent`, input: v });
          return z.NEVER;
        }
        rules.push({ value, role: role as OidcRoleRule["role"] });
      }
      return rules;
    }),
  /** First sign-in of an unknown (allowed, verified) email creates an agent; false = only existing users may sign in. */
  OIDC_AUTO_CREATE: bool.default(true),
  /** The assistant's provider (docs/assistant.md): any OpenAI chat-completions server; unset = the local fallback answers. */
  LLM_BASE_URL: url.regex(/^https?:\/\//i, "must be an http:// or https:// URL").optional(),
  /** Optional: local servers (Ollama, llama.cpp) take none. Never logged. */
  LLM_API_KEY: z.string().optional(),
  /** Required with LLM_BASE_URL: the model (or Azure deployment) name. */
  LLM_MODEL: z.string().trim().min(1).max(200).optional(),
  /** How long the assistant waits for the provider before answering from the fallback. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(8000),
  /** Web Push (VAPID) key pair, base64url; unset = a pair is generated once and kept in instance_secrets. Set both or neither. */
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{80,100}$/, "must be a base64url P-256 public key").optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{40,50}$/, "must be a base64url P-256 private key").optional(),
  /** Who push services contact about this sender: a mailto: or https: URL; default mailto:notifications@<PUBLIC_URL host>. */
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, "must be a mailto: or https:// URL").optional(),
  /** Seconds notification emails wait to be gathered into one digest per agent (0 = send at the next pass). */
  NOTIFICATION_DIGEST_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  /** From address of notification emails; default "Throughline <notifications@<PUBLIC_URL host>>". */
  NOTIFICATION_EMAIL_FROM: z.string().trim().min(3).optional(),
});

export type OidcRoleRule = { value: string; role: "admin" | "supervisor" | "agent" };
const ROLES: readonly string[] = ["admin", "supervisor", "agent"];
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** One line per problem, naming the variable: "Invalid environment variable PORT: ...". */
export function formatEnvError(error: z.ZodError, source: Record<string, string | undefined> = {}): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid environment";
  const name = String(issue.path[0] ?? "?");
  const missing = source[name] === undefined || source[name] === "";
  return missing
    ? `Missing required environment variable ${name} (see .env.example)`
    : `Invalid environment variable ${name}: ${issue.message}`;
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) throw new EnvError(formatEnvError(result.error, cleaned));
  const oidcProblem = oidcSettingsProblem(result.data);
  if (oidcProblem) throw new EnvError(oidcProblem);
  if (!result.data.VAPID_PUBLIC_KEY !== !result.data.VAPID_PRIVATE_KEY) throw new EnvError(`Missing required environment variable ${result.data.VAPID_PUBLIC_KEY ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY"}: Web Push needs VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY together (unset both to use a generated pair)`);
  if (result.data.LLM_BASE_URL && !result.data.LLM_MODEL) throw new EnvError("Missing required environment variable LLM_MODEL: the assistant's provider (LLM_BASE_URL) needs the model to ask (see docs/assistant.md)");
  return result.data;
}

const OIDC_TRIO = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const;

// Half a single sign-on configuration is a mistake, not "off": say which part is missing.
function oidcSettingsProblem(e: Env): string | null {
  const missing = OIDC_TRIO.filter((name) => !e[name]);
  if (missing.length > 0 && missing.length < OIDC_TRIO.length) return `Missing required environment variable ${missing.join(", ")}: single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (see docs/sso.md)`;
  if (e.OIDC_ROLE_MAP.length > 0 && !e.OIDC_ROLE_CLAIM) return "Missing required environment variable OIDC_ROLE_CLAIM: OIDC_ROLE_MAP maps the values of that claim (see docs/sso.md)";
  return null;
}

export type OidcSettings = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  scopes: string;
  allowedDomains: string[];
  roleClaim: string | undefined;
  /** Without OIDC_ROLE_MAP, a claim value that is a role's own name is that role. */
  roleMap: OidcRoleRule[];
  autoCreate: boolean;
};

/** Single sign-on's settings, or null when it is not configured. */
export function oidcSettings(): OidcSettings | null {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null;
  return {
    issuer: e.OIDC_ISSUER.replace(/\/$/, ""),
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    displayName: e.OIDC_DISPLAY_NAME,
    scopes: e.OIDC_SCOPES,
    allowedDomains: e.OIDC_ALLOWED_DOMAINS,
    roleClaim: e.OIDC_ROLE_CLAIM,
    roleMap: e.OIDC_ROLE_MAP.length > 0 ? e.OIDC_ROLE_MAP : ROLES.map((role) => ({ value: role, role: role as OidcRoleRule["role"] })),
    autoCreate: e.OIDC_AUTO_CREATE,
  };
}

const cache = globalThis as unknown as { __throughlineEnv?: Env };

/** The validated environment of this process (parsed once). */
export function env(): Env {
  cache.__throughlineEnv ??= parseEnv();
  return cache.__throughlineEnv;
}

/**
 * One setting validated by its own rule, without requiring the rest: for code
 * that also runs outside the app server (route handlers called directly by tests).
 */
export function envValue<K extends keyof Env>(name: K): Env[K] {
  const raw = process.env[name];
  return envSchema.shape[name].parse(raw === "" ? undefined : raw) as Env[K];
}

/** Tests change the environment between servers; they reset the cache. */
export function resetEnvCache() {
  cache.__throughlineEnv = undefined;
}

/** The address links in emails and surveys point at (read live: scripts and tests set it). */
export function publicUrl(): string {
  return (envValue("PUBLIC_URL") ?? envValue("NEXTAUTH_URL") ?? `http://localhost:${envValue("PORT")}`).replace(/\/$/, "");
}

/**
 * A variable the operator names in the product's settings rather than in
 * code (an inbox's token variable, a rule's webhook secret): its name is data,
 * so it cannot be in the schema above. Empty counts as unset.
 */
export function envByName(name: string): string | undefined {
  return process.env[name] || undefined;
}
