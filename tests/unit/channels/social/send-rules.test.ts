import { describe, expect, it } from "vitest";
import { evaluateWindow, HOUR_MS, WHATSAPP_WINDOW_MESSAGE } from "@/server/channels/social/window";
import { classifyGraphError, classifyTelegramError, classifyXError, redact, retryAfterMs, toSendError, type PlatformResponse } from "@/server/channels/social/send";
import { PermanentSendError, RetryableSendError } from "@/server/outbox/outbox";
import { telegramBotId } from "@/server/channels/social/inboxes";

const now = new Date("2026-03-01T12:00:00Z");
const ago = (hours: number) => new Date(now.getTime() - hours * HOUR_MS);

function res(status: number, body: unknown, headers: Record<string, string> = {}): PlatformResponse {
  return { status, body, headers: new Headers(headers) };
}

describe("reply windows", () => {
  it("Messenger/Instagram: 24 h normal, 7 days with HUMAN_AGENT, then closed", () => {
    expect(evaluateWindow("messenger", ago(2), now)).toMatchObject({ state: "open", canSend: true, windowEndsAt: new Date(ago(2).getTime() + 24 * HOUR_MS) });
    expect(evaluateWindow("messenger", ago(30), now)).toMatchObject({ state: "human_agent", canSend: true });
    const closed = evaluateWindow("instagram", ago(24 * 8), now);
    expect(closed).toMatchObject({ state: "closed", canSend: false });
    expect(closed.message).toMatch(/^Outside Instagram's 24-hour window/);
    expect(evaluateWindow("messenger", null, now).message).toMatch(/^Outside Messenger's 24-hour window/);
  });

  it("WhatsApp: free-form only within 24 h of the customer's last message", () => {
    expect(evaluateWindow("whatsapp", ago(23.9), now)).toMatchObject({ state: "open", canSend: true });
    expect(evaluateWindow("whatsapp", ago(24.1), now)).toMatchObject({ state: "closed", canSend: false, message: WHATSAPP_WINDOW_MESSAGE });
    expect(evaluateWindow("whatsapp", null, now).canSend).toBe(false);
  });

  it("Telegram and X have no window", () => {
    expect(evaluateWindow("telegram", null, now)).toMatchObject({ rule: "none", canSend: true });
    expect(evaluateWindow("x", ago(1000), now)).toMatchObject({ rule: "none", canSend: true });
  });
});

describe("platform error classification", () => {
  it("Meta: rate-limit codes and 5xx retry, policy errors are permanent with the platform's message", () => {
    expect(classifyGraphError("Messenger", res(400, { error: { message: "(#613) Calls to this api have exceeded the rate limit.", type: "OAuthException", code: 613 } })).retryable).toBe(true);
    for (const code of [4, 17, 32]) expect(classifyGraphError("Messenger", res(400, { error: { message: "limit", code } })).retryable).toBe(true);
    expect(classifyGraphError("Messenger", res(500, { error: { message: "An unexpected error has occurred.", code: 2, is_transient: true } })).retryable).toBe(true);
    const outside = classifyGraphError("Messenger", res(400, { error: { message: "(#10) This message is sent outside of allowed window.", type: "OAuthException", code: 10, error_subcode: 2018278 } }));
    expect(outside).toMatchObject({ retryable: false, reason: "Messenger refused the message: (#10, subcode 2018278) This message is sent outside of allowed window." });
    expect(classifyGraphError("Instagram", res(400, { error: { message: "This person isn't available right now.", code: 551, error_subcode: 1545041 } })).reason).toBe(
      "Instagram refused the message: (#551, subcode 1545041) This person isn't available right now.",
    );
    expect(classifyGraphError("Messenger", res(403, { error: { message: "Permissions error", code: 200 } })).retryable).toBe(false);
  });

  it("WhatsApp: 130429/131056 retry, 131047 is permanent with its details", () => {
    expect(classifyGraphError("WhatsApp", res(400, { error: { message: "(#130429) Rate limit hit", code: 130429 } })).retryable).toBe(true);
    expect(classifyGraphError("WhatsApp", res(400, { error: { message: "(#131056) (Business Account, Consumer Account) pair rate limit hit", code: 131056 } })).retryable).toBe(true);
    const c = classifyGraphError("WhatsApp", res(400, { error: { message: "(#131047) Re-engagement message", type: "OAuthException", code: 131047, error_data: { messaging_product: "whatsapp", details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." } } }));
    expect(c.retryable).toBe(false);
    expect(c.reason).toBe("WhatsApp refused the message: (#131047) Re-engagement message — Message failed to send because more than 24 hours have passed since the customer last replied to this number.");
  });

  it("Telegram: 429 with retry_after, 403 permanent", () => {
    expect(classifyTelegramError(res(429, { ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } }))).toEqual({
      retryable: true,
      reason: "Telegram could not take the message yet: Too Many Requests: retry after 7",
      retryAfterMs: 7000,
    });
    expect(classifyTelegramError(res(403, { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" }))).toMatchObject({ retryable: false, reason: "Telegram refused the message: Forbidden: bot was blocked by the user" });
  });

  it("X: 429 waits for x-rate-limit-reset, 403 permanent with the detail", () => {
    const t = Date.parse("2026-03-01T12:00:00Z");
    expect(classifyXError(res(429, { title: "Too Many Requests", detail: "Too Many Requests", status: 429 }, { "x-rate-limit-reset": String(t / 1000 + 30) }), t)).toMatchObject({ retryable: true, retryAfterMs: 30_000 });
    expect(classifyXError(res(403, { detail: "You cannot send messages to this user.", title: "Forbidden", status: 403 }))).toMatchObject({ retryable: false, reason: "X refused the message: You cannot send messages to this user." });
    expect(classifyXError(res(503, "Service Unavailable")).retryable).toBe(true);
  });

  it("maps to the outbox's error classes, reads Retry-After, redacts tokens", () => {
    expect(toSendError({ retryable: true, reason: "x", retryAfterMs: 5 })).toBeInstanceOf(RetryableSendError);
    expect((toSendError({ retryable: true, reason: "x", retryAfterMs: 5 }) as RetryableSendError).retryAfterMs).toBe(5);
    expect(toSendError({ retryable: false, reason: "x" })).toBeInstanceOf(PermanentSendError);
    expect(retryAfterMs(new Headers({ "retry-after": "3" }))).toBe(3000);
    expect(retryAfterMs(new Headers({ "retry-after": new Date(Date.now() + 10_000).toUTCString() }))).toBeGreaterThan(5000);
    expect(redact("GET /bot123:SECRET/sendMessage failed", "123:SECRET")).toBe("GET /bot[redacted]/sendMessage failed");
    expect(telegramBotId("123456789:AAE-abc")).toBe("123456789");
    expect(telegramBotId("nonsense")).toBeNull();
  });
});
