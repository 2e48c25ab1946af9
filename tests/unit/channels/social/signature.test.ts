import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import {
  metaSignature,
  safeEqual,
  verifyMetaSignature,
  verifyTelegramSecret,
  verifyXSignature,
  xCrcResponse,
  xSignature,
} from "@/server/channels/social/signature";
import { metaChallenge } from "@/server/channels/social/webhook";

const SECRET = "meta-app-secret-123";

describe("Meta X-Hub-Signature-256", () => {
  // Raw bytes as Meta sends them: escaped unicode and slashes that a re-serialisation would change.
  const raw = Buffer.from('{"object":"page","entry":[{"id":"1","messaging":[{"message":{"text":"caf\\u00e9 \\/ ok"}}]}]}', "utf8");
  const good = `sha256=${createHmac("sha256", SECRET).update(raw).digest("hex")}`;

  it("accepts the HMAC-SHA256 of the raw body in hex", () => {
    expect(metaSignature(raw, SECRET)).toBe(good);
    expect(verifyMetaSignature(raw, good, SECRET)).toBe(true);
    expect(verifyMetaSignature(new Uint8Array(raw), good.toUpperCase().replace("SHA256=", "sha256="), SECRET)).toBe(true);
  });

  it("rejects a missing, malformed or wrong signature", () => {
    expect(verifyMetaSignature(raw, null, SECRET)).toBe(false);
    expect(verifyMetaSignature(raw, "", SECRET)).toBe(false);
    expect(verifyMetaSignature(raw, good.replace("sha256=", "sha1="), SECRET)).toBe(false);
    expect(verifyMetaSignature(raw, good.slice(0, -2), SECRET)).toBe(false);
    expect(verifyMetaSignature(raw, good, "another-secret-456")).toBe(false);
    // The re-serialised JSON is not what was signed.
    expect(verifyMetaSignature(Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), good, SECRET)).toBe(false);
  });
});

describe("X signatures and CRC", () => {
  const consumer = "x-consumer-secret-789";
  it("answers the CRC with the base64 HMAC of crc_token", () => {
    const expected = createHmac("sha256", consumer).update("challenge-abc").digest("base64");
    expect(xCrcResponse("challenge-abc", consumer)).toEqual({ response_token: `sha256=${expected}` });
  });

  it("verifies x-twitter-webhooks-signature over the raw body", () => {
    const raw = Buffer.from('{"for_user_id":"1"}');
    const sig = `sha256=${createHmac("sha256", consumer).update(raw).digest("base64")}`;
    expect(xSignature(raw, consumer)).toBe(sig);
    expect(verifyXSignature(raw, sig, consumer)).toBe(true);
    expect(verifyXSignature(raw, sig.replace(/.$/, sig.endsWith("A") ? "B" : "A"), consumer)).toBe(false);
    expect(verifyXSignature(raw, undefined, consumer)).toBe(false);
  });
});

describe("Telegram secret token and Meta hub.challenge", () => {
  it("compares the secret exactly", () => {
    expect(verifyTelegramSecret("tg-secret-123", "tg-secret-123")).toBe(true);
    expect(verifyTelegramSecret("tg-secret-124", "tg-secret-123")).toBe(false);
    expect(verifyTelegramSecret(null, "tg-secret-123")).toBe(false);
    expect(safeEqual("a", "ab")).toBe(false);
  });

  it("echoes hub.challenge only for mode=subscribe with the right token", () => {
    const req = (q: string) => new Request(`http://localhost/api/webhooks/meta?${q}`);
    expect(metaChallenge(req("hub.mode=subscribe&hub.verify_token=verify-me-123&hub.challenge=1158201444"), "verify-me-123")).toEqual({ ok: true, challenge: "1158201444" });
    expect(metaChallenge(req("hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1"), "verify-me-123")).toEqual({ ok: false });
    expect(metaChallenge(req("hub.mode=unsubscribe&hub.verify_token=verify-me-123&hub.challenge=1"), "verify-me-123")).toEqual({ ok: false });
    expect(metaChallenge(req("hub.mode=subscribe&hub.verify_token=verify-me-123"), "verify-me-123")).toEqual({ ok: false });
  });
});
