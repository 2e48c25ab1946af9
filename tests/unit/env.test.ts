// Configuration errors stop start-up with one line naming the variable.
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/env";

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

  it("names a missing required variable", () => {
    const { NEXTAUTH_SECRET: _, ...rest } = valid;
    expect(message(rest)).toBe("Missing required environment variable NEXTAUTH_SECRET (see .env.example)");
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
