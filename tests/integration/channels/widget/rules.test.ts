// The widget's rules in isolation (no server): identity checks, visitor
// tokens, settings parsing, upload chunking and sniffing, rate limits,
// article excerpts.
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../../../helpers/app-server";
import { resetEnvCache } from "@/env";
import { checkIdentity, identityHash, verifyAttachmentSignature, verifyUserHash, visitorClaims, attachmentPath } from "@/server/channels/widget/identity";
import { legacyVisitorToken, parseVisitorAuthorization, readVisitorToken, signVisitorToken } from "@/server/channels/widget/visitor-tokens";
import { parseOriginList } from "@/server/channels/widget/inboxes";
import { parseWidgetSettings, DEFAULT_SETTINGS, originAllowed } from "@/server/channels/widget/config";
import { MAX_CHUNK_BYTES, sniffImage, UploadBuffer, safeFilename } from "@/server/channels/widget/uploads";
import { RateLimiter } from "@/server/channels/widget/rate-limit";
import { RateLimits } from "@/server/security/limits";
import { excerpt, plainText } from "@/server/channels/widget/articles";
import { handMadeVisitorToken, TINY_PNG } from "../../../fixtures/widget/visitor";

beforeAll(() => {
  Object.assign(process.env, TEST_SECRETS);
  resetEnvCache();
});

describe("identity", () => {
  const secret = TEST_SECRETS.WIDGET_IDENTITY_SECRET;
  it("accepts exactly HMAC-SHA256(userId ?? email) in hex, case-insensitively", () => {
    const hash = identityHash("user-42", secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyUserHash("user-42", hash, secret)).toBe(true);
    expect(verifyUserHash("user-42", hash.toUpperCase(), secret)).toBe(true);
    expect(verifyUserHash("user-43", hash, secret)).toBe(false);
    expect(verifyUserHash("user-42", hash.slice(0, 63), secret)).toBe(false);
    expect(verifyUserHash("user-42", identityHash("user-42", "other-secret"), secret)).toBe(false);
  });

  it("verifies what the hash signs, refuses a wrong hash, and applies verified mode", () => {
    const byEmail = checkIdentity({ email: "Ada@Example.test", userHash: identityHash("Ada@Example.test", secret) }, false);
    expect(byEmail).toEqual({ ok: true, verified: { userId: null, email: "ada@example.test" }, claimedEmail: null, name: null });
    const byUser = checkIdentity({ userId: "u1", email: "ada@example.test", name: " Ada ", userHash: identityHash("u1", secret) }, true);
    expect(byUser).toEqual({ ok: true, verified: { userId: "u1", email: null }, claimedEmail: "ada@example.test", name: "Ada" });
    // The hash signs the userId when there is one: a hash of the email does not do.
    expect(checkIdentity({ userId: "u1", email: "ada@example.test", userHash: identityHash("ada@example.test", secret) }, false)).toMatchObject({ ok: false, code: "identity_rejected" });
    expect(checkIdentity({ email: "ada@example.test", userHash: "0".repeat(64) }, false)).toMatchObject({ ok: false, code: "identity_rejected" });
    expect(checkIdentity({ email: "not an email" }, false)).toMatchObject({ ok: false, code: "identity_rejected" });
    expect(checkIdentity(undefined, false)).toEqual({ ok: true, verified: null, claimedEmail: null, name: null });
    expect(checkIdentity(undefined, true)).toMatchObject({ ok: false, code: "verification_required" });
    expect(checkIdentity({ email: "ada@example.test" }, true)).toMatchObject({ ok: false, code: "verification_required" });
  });

  it("claims: the visitor id and signed ids verified, anything else unverified", () => {
    const s = { inboxId: "i", publicId: "p", visitorId: "a".repeat(32), verified: { userId: "u1", email: null }, claimedEmail: "x@example.test", name: null };
    expect(visitorClaims(s)).toEqual([
      { kind: "widget_visitor", value: "a".repeat(32), verified: true, source: "widget" },
      { kind: "external_id", value: "u1", verified: true, source: "widget_verified" },
      { kind: "email", value: "x@example.test", verified: false, source: "widget_unverified" },
    ]);
  });

  it("visitor tokens sign the id, issue time and generation; attachment links are signed and expire", () => {
    const id = "0123456789abcdef0123456789abcdef";
    const token = signVisitorToken(id, 1_700_000_000_000, 3);
    expect(token).toMatch(/^v2\.1700000000000\.3\.[A-Za-z0-9_-]{43}$/);
    // The server's key is derived from NEXTAUTH_SECRET: a token made by hand with it is the same token.
    expect(token).toBe(handMadeVisitorToken(id, TEST_SECRETS.NEXTAUTH_SECRET, { issuedAt: 1_700_000_000_000, generation: 3 }));
    expect(readVisitorToken(id, token)).toEqual({ issuedAt: 1_700_000_000_000, generation: 3 });
    expect(readVisitorToken("f".repeat(32), token)).toBeNull();
    expect(readVisitorToken(id, undefined)).toBeNull();
    expect(readVisitorToken(id, token, "another-signing-key")).toBeNull();
    // Claims cannot be edited without the key: a later issue time, a newer generation.
    expect(readVisitorToken(id, token.replace(".1700000000000.", ".1900000000000."))).toBeNull();
    expect(readVisitorToken(id, token.replace(".3.", ".4."))).toBeNull();
    // Old-format tokens are recognised (generation 0, no issue time) only to be exchanged.
    // They were signed with NEXTAUTH_SECRET itself (this test's process sets it), never a derived key.
    expect(readVisitorToken(id, legacyVisitorToken(id, TEST_SECRETS.NEXTAUTH_SECRET))).toEqual({ generation: 0, issuedAt: null });
    expect(readVisitorToken(id, legacyVisitorToken(id))).toBeNull();
    expect(parseVisitorAuthorization(`Bearer ${id}.${token}`)).toEqual({ visitorId: id, token });
    expect(parseVisitorAuthorization(`Bearer ${id}.${token} x`)).toBeNull();
    expect(parseVisitorAuthorization(`Bearer ${id.slice(1)}.${token}`)).toBeNull();
    const url = new URL(attachmentPath("00000000-0000-7000-8000-000000000000"), "http://x");
    expect(verifyAttachmentSignature("00000000-0000-7000-8000-000000000000", url.searchParams.get("e"), url.searchParams.get("s"))).toBe(true);
    expect(verifyAttachmentSignature("00000000-0000-7000-8000-000000000001", url.searchParams.get("e"), url.searchParams.get("s"))).toBe(false);
    const expired = new URL(attachmentPath("00000000-0000-7000-8000-000000000000", -60_000), "http://x");
    expect(verifyAttachmentSignature("00000000-0000-7000-8000-000000000000", expired.searchParams.get("e"), expired.searchParams.get("s"))).toBe(false);
  });
});

describe("settings", () => {
  it("falls back per field on bad values and never throws", () => {
    expect(parseWidgetSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(parseWidgetSettings({ color: "red; background:url(x)", greeting: "", preChatForm: "yes", trackPageViews: false })).toEqual({ ...DEFAULT_SETTINGS, trackPageViews: false });
    expect(parseWidgetSettings({ color: "#0F766E", greeting: "Hello!" })).toMatchObject({ color: "#0F766E", greeting: "Hello!" });
    const inbox = { id: "i", publicId: "p", name: "n", settings: { ...DEFAULT_SETTINGS, allowedOrigins: ["https://shop.example"] } };
    expect(originAllowed(inbox, "https://shop.example")).toBe(true);
    expect(originAllowed(inbox, "https://evil.example")).toBe(false);
    expect(originAllowed({ ...inbox, settings: DEFAULT_SETTINGS }, "https://anything.example")).toBe(true);
    // Exact scheme, host and port, in the form browsers send (default port dropped, host case-folded).
    expect(originAllowed(inbox, "https://SHOP.example:443")).toBe(true);
    expect(originAllowed(inbox, "http://shop.example")).toBe(false);
    expect(originAllowed(inbox, "https://shop.example:8443")).toBe(false);
    expect(originAllowed(inbox, "https://sub.shop.example")).toBe(false);
    expect(originAllowed(inbox, "null")).toBe(false);
    expect(originAllowed(inbox, undefined)).toBe(false);
    expect(parseOriginList("https://Shop.example/\nhttp://localhost:3000, https://shop.example")).toEqual(["https://shop.example", "http://localhost:3000"]);
    expect(parseOriginList("")).toEqual([]);
    expect(() => parseOriginList("https://*.example.com")).toThrow(/Not an origin/);
    expect(() => parseOriginList("https://shop.example/pricing")).toThrow(/Not an origin/);
  });
});

describe("uploads", () => {
  it("reassembles chunks in order and refuses gaps, overflows and oversize", () => {
    const b = new UploadBuffer();
    const meta = { filename: "a.png", contentType: "image/png", size: 10 };
    expect(b.add("u1", meta, 0, Buffer.alloc(4, 1))).toEqual({ ok: true, received: 4 });
    expect(b.add("u1", meta, 5, Buffer.alloc(1))).toEqual({ ok: false, error: "bad_offset", received: 4 });
    const done = b.add("u1", meta, 4, Buffer.alloc(6, 2));
    expect(done.ok && done.done?.data.length).toBe(10);
    expect(b.add("u2", { ...meta, size: 3 }, 0, Buffer.alloc(4))).toEqual({ ok: false, error: "too_large" });
    expect(b.add("u3", { ...meta, size: 6 * 1024 * 1024 }, 0, Buffer.alloc(1))).toEqual({ ok: false, error: "too_large" });
    expect(b.add("u4", { ...meta, size: MAX_CHUNK_BYTES + 1 }, 0, Buffer.alloc(MAX_CHUNK_BYTES + 1))).toEqual({ ok: false, error: "bad_chunk" });
    expect(b.add("u5", { ...meta, contentType: "image/svg+xml" }, 0, Buffer.alloc(1))).toEqual({ ok: false, error: "unsupported_type" });
  });

  it("sniffs real image bytes and cleans file names", () => {
    expect(sniffImage(TINY_PNG, "image/png")).toBe(true);
    expect(sniffImage(TINY_PNG, "image/jpeg")).toBe(false);
    expect(sniffImage(Buffer.from("GIF89a...."), "image/gif")).toBe(true);
    expect(sniffImage(Buffer.from("<html>"), "image/png")).toBe(false);
    expect(safeFilename('../../etc/pa"ss<wd>.png', "image/png")).toBe(".._.._etc_pa_ss_wd_.png");
    expect(safeFilename("   ", "image/jpeg")).toBe("image.jpg");
  });
});

describe("rate limits and excerpts", () => {
  it("allows max per window per visitor and says when to retry", async () => {
    const store = new RateLimits();
    const l = new RateLimiter({ message: { max: 2, windowMs: 1000 } }, () => store);
    expect(await l.hit("v1", "message")).toBe(0);
    expect(await l.hit("v1", "message")).toBe(0);
    const wait = await l.hit("v1", "message");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    expect(await l.hit("v2", "message")).toBe(0);
    expect(await l.hit("v1", "unknown")).toBe(0);
    // After the window the visitor may send again.
    await new Promise((r) => setTimeout(r, wait + 20));
    expect(await l.hit("v1", "message")).toBe(0);
  });

  it("turns markdown into a plain excerpt around the query", () => {
    expect(plainText("## Set up\n\nGo to **Settings** → [GitHub](/help/x) and `run it`.")).toBe("Set up Go to Settings → GitHub and run it.");
    const body = `${"Intro words. ".repeat(30)}The refund policy covers annual plans. ${"More text. ".repeat(30)}`;
    const e = excerpt(body, "refund");
    expect(e.startsWith("…")).toBe(true);
    expect(e).toContain("refund policy");
    expect(e.length).toBeLessThanOrEqual(165);
  });
});
