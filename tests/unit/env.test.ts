// Configuration errors stop start-up with one line naming the variable.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseEnv as parseDotenv } from "node:util";
import { EnvError, parseEnv } from "@/env";
import { loadEnvFiles } from "@/server/config/load-env-files";

const valid = {
  NEXTAUTH_SECRET: "0123456789abcdef",
  DEMO_INBOX_TOKEN: "0123456789",
  DEMO_API_KEY: "0123456789",
  WIDGET_IDENTITY_SECRET: "0123456789",
  META_APP_SECRET: "0123456789",
  META_VERIFY_TOKEN: "0123456789",
  TELEGRAM_WEBHOOK_SECRET: "0123456789",
  X_CONSUMER_SECRET: "0123456789",
};

function message(env: Record<string, string>) {
  try {
    parseEnv(env);
    return "no error";
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
}

describe("environment validation", () => {
  it("accepts a complete environment and applies defaults", () => {
    const env = parseEnv(valid);
    expect(env.PORT).toBe(3000);
    expect(env.SMTP_PORT).toBe(2525);
    expect(env.SEED).toBe(true);
  });

  it("needs no secret: whatever is unset is generated for the instance at start-up", () => {
    const env = parseEnv({});
    expect(env.NEXTAUTH_SECRET).toBeUndefined();
    expect(env.DEMO_API_KEY).toBeUndefined();
  });

  it("refuses a weak signing root", () => {
    expect(message({ ...valid, NEXTAUTH_SECRET: "short-secret" })).toMatch(/^Invalid environment variable NEXTAUTH_SECRET: must be at least 16 characters/);
  });

  it("names an invalid variable with the reason", () => {
    expect(message({ ...valid, PORT: "abc" })).toMatch(/^Invalid environment variable PORT: /);
    expect(message({ ...valid, DATABASE_URL: "mysql://x" })).toBe("Invalid environment variable DATABASE_URL: must be a postgresql:// URL");
    expect(message({ ...valid, SEED: "maybe" })).toMatch(/^Invalid environment variable SEED: /);
  });

  it("is one line", () => {
    expect(message({ ...valid, PORT: "99999" }).split("\n")).toHaveLength(1);
  });
});

describe("env files", () => {
  it("never takes a secret from .env.example, even in demo mode", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tl-env-"));
    writeFileSync(path.join(dir, ".env.example"), "NEXTAUTH_SECRET=public-value-anyone-can-read\nDEMO_API_KEY=tl_public\nMETA_APP_SECRET=x\nTELEGRAM_BOT_TOKEN=1:x\nLOG_LEVEL=warn\n");
    const saved = { ...process.env };
    try {
      for (const k of ["NEXTAUTH_SECRET", "DEMO_API_KEY", "META_APP_SECRET", "TELEGRAM_BOT_TOKEN", "LOG_LEVEL", "SEED"]) delete process.env[k];
      loadEnvFiles(dir);
      expect(process.env.LOG_LEVEL).toBe("warn");
      expect(process.env.NEXTAUTH_SECRET).toBeUndefined();
      expect(process.env.DEMO_API_KEY).toBeUndefined();
      expect(process.env.META_APP_SECRET).toBeUndefined();
      expect(process.env.TELEGRAM_BOT_TOKEN).toBeUndefined();
    } finally {
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ships an .env.example with no secret values", () => {
    const values = parseDotenv(readFileSync(".env.example", "utf8")) as Record<string, string>;
    const withValues = Object.entries(values).filter(([k, v]) => /(SECRET|TOKEN|PASSWORD|_KEY)$/.test(k) && v !== "");
    expect(withValues).toEqual([]);
  });
});
