// The assistant's one door to a language model: any server speaking the
// OpenAI chat-completions API (OpenAI, Azure's v1 endpoint, Ollama, vLLM,
// llama.cpp's server), through the official client. Configured by the
// environment (read live, so tests and scripts can point it elsewhere);
// unset = no provider, and every feature answers from its local fallback.
// A call never throws and never waits past LLM_TIMEOUT_MS: it returns the
// text, or a typed failure the caller turns into the fallback.
import OpenAI from "openai";
import { envValue } from "@/env";

export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

export type ProviderConfig = { baseURL: string; apiKey: string | undefined; model: string; timeoutMs: number };

export type ChatResult =
  | { ok: true; text: string; model: string; promptTokens: number | null; completionTokens: number | null; latencyMs: number }
  | { ok: false; outcome: "timeout" | "error"; error: string; model: string; latencyMs: number };

/** The configured provider, or null when LLM_BASE_URL is unset (the local fallback answers). */
export function providerConfig(): ProviderConfig | null {
  const baseURL = envValue("LLM_BASE_URL");
  if (!baseURL) return null;
  const model = envValue("LLM_MODEL");
  // parseEnv refuses this combination at start-up; scripts and tests may get here without it.
  if (!model) throw new Error("LLM_MODEL must be set when LLM_BASE_URL is (see docs/assistant.md)");
  return { baseURL, apiKey: envValue("LLM_API_KEY"), model, timeoutMs: envValue("LLM_TIMEOUT_MS") };
}

/** What the settings page shows: the model in use, or that the fallback answers. Never the key. */
export function providerStatus(): { configured: boolean; model: string | null; baseUrlHost: string | null; timeoutMs: number } {
  const c = providerConfig();
  return { configured: Boolean(c), model: c?.model ?? null, baseUrlHost: c ? new URL(c.baseURL).host : null, timeoutMs: c?.timeoutMs ?? envValue("LLM_TIMEOUT_MS") };
}

const clients = new Map<string, OpenAI>();

function clientFor(c: ProviderConfig): OpenAI {
  const key = `${c.baseURL}\n${c.apiKey ?? ""}\n${c.timeoutMs}`;
  let client = clients.get(key);
  if (!client) {
    // Local servers (Ollama, llama.cpp) take no key; the client insists on one, the server ignores it.
    client = new OpenAI({ baseURL: c.baseURL, apiKey: c.apiKey ?? "unused", timeout: c.timeoutMs, maxRetries: 0 });
    clients.set(key, client);
  }
  return client;
}

/** One chat completion under a hard deadline; a failure is a value, not an exception. */
export async function chat(config: ProviderConfig, messages: ChatMessage[], opts: { maxTokens?: number; json?: boolean } = {}): Promise<ChatResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(config.timeoutMs);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const completion = await clientFor(config).chat.completions.create(
      { model: config.model, messages, temperature: 0.2, max_tokens: opts.maxTokens ?? 600 },
      { signal, timeout: config.timeoutMs, maxRetries: 0 },
    );
    const text = completion.choices[0]?.message?.content?.trim() ?? "";
    if (!text) return { ok: false, outcome: "error", error: "the provider returned an empty answer", model: config.model, latencyMs: elapsed() };
    return {
      ok: true,
      text,
      model: completion.model || config.model,
      promptTokens: completion.usage?.prompt_tokens ?? null,
      completionTokens: completion.usage?.completion_tokens ?? null,
      latencyMs: elapsed(),
    };
  } catch (error) {
    const timedOut = signal.aborted || error instanceof OpenAI.APIConnectionTimeoutError;
    return {
      ok: false,
      outcome: timedOut ? "timeout" : "error",
      error: timedOut ? `no answer within ${config.timeoutMs} ms` : describe(error),
      model: config.model,
      latencyMs: elapsed(),
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof OpenAI.APIError) return `provider error ${error.status ?? ""}: ${error.message}`.slice(0, 500);
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}
