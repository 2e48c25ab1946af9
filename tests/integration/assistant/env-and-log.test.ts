// The assistant's settings at start-up (LLM_BASE_URL must be a URL; a base URL
// without LLM_MODEL is a clear error) and the request log's 90-day retention.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { EnvError, parseEnv } from "@/env";
import { logAssistantRequest, pruneAssistantRequests } from "@/server/assistant/log";
import { providerStatus } from "@/server/assistant/provider";
import { noProvider } from "./world";

let t: TestDatabase;
beforeAll(async () => {
  noProvider();
  t = await useTestDatabase();
});
afterAll(async () => {
  await disconnectDb();
  await t?.drop();
});

const problem = (env: Record<string, string>) => {
  try {
    parseEnv(env);
    return null;
  } catch (error) {
    return error instanceof EnvError ? error.message : `THREW ${(error as Error).message}`;
  }
};

describe("assistant settings", () => {
  it("validates the provider settings at start-up", () => {
    expect(problem({})).toBeNull();
    expect(problem({ LLM_BASE_URL: "http://localhost:11434/v1", LLM_MODEL: "llama3.1:8b" })).toBeNull();
    expect(problem({ LLM_BASE_URL: "localhost:11434", LLM_MODEL: "x" })).toMatch(/^Invalid environment variable LLM_BASE_URL/);
    expect(problem({ LLM_BASE_URL: "http://localhost:11434/v1" })).toMatch(/^Missing required environment variable LLM_MODEL: /);
    expect(problem({ LLM_TIMEOUT_MS: "10" })).toMatch(/^Invalid environment variable LLM_TIMEOUT_MS/);
    expect(parseEnv({}).LLM_TIMEOUT_MS).toBe(8000);
  });

  it("reports no provider when none is configured", () => {
    expect(providerStatus()).toEqual({ configured: false, model: null, baseUrlHost: null, timeoutMs: 8000 });
  });

  it("keeps the request log 90 days", async () => {
    const oldId = await logAssistantRequest({ feature: "reply", source: "fallback", latencyMs: 3, outcome: "ok" });
    const newId = await logAssistantRequest({ feature: "reply", source: "fallback", latencyMs: 3, outcome: "ok" });
    await db.assistantRequest.update({ where: { id: oldId! }, data: { createdAt: new Date(Date.now() - 91 * 24 * 3600_000) } });
    expect(await pruneAssistantRequests()).toBe(1);
    expect((await db.assistantRequest.findMany({ select: { id: true } })).map((r) => r.id)).toEqual([newId]);
  });
});
