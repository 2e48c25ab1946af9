import { describe, expect, it } from "vitest";
import { InvalidIdentityError, normalizeEmail, normalizeIdentity, normalizePhone, IDENTITY_KINDS } from "@/server/customers/normalize";
import { normalizeClaims } from "@/server/customers/identity";

describe("normalizeEmail", () => {
  it("lower-cases and trims", () => {
    expect(normalizeEmail("  Jane.Doe@Example.COM ")).toBe("jane.doe@example.com");
    expect(normalizeEmail("a+tag@sub.example.co.uk")).toBe("a+tag@sub.example.co.uk");
  });
  it("rejects what is not an address", () => {
    for (const bad of ["", "jane", "jane@", "@example.com", "jane@example", "jane doe@example.com", "<jane@example.com>", "a@b@c.com", `${"x".repeat(320)}@example.com`]) {
      expect(() => normalizeEmail(bad), bad).toThrow(InvalidIdentityError);
    }
  });
});

describe("normalizePhone", () => {
  it("writes E.164", () => {
    expect(normalizePhone("+1 (415) 555-0123")).toBe("+14155550123");
    expect(normalizePhone("+49 151 1234 5678")).toBe("+4915112345678");
    // Digits only: taken as international (WhatsApp, Telegram send them like this).
    expect(normalizePhone("4915112345678")).toBe("+4915112345678");
    expect(normalizePhone("030 1234567", "DE")).toBe("+49301234567");
  });
  it("rejects impossible numbers", () => {
    for (const bad of ["", "12", "phone", "+1 555"]) expect(() => normalizePhone(bad), bad).toThrow(InvalidIdentityError);
  });
});

describe("normalizeIdentity", () => {
  it("normalises per kind", () => {
    expect(normalizeIdentity("email", "A@B.CO")).toBe("a@b.co");
    expect(normalizeIdentity("phone", "+14155550123")).toBe("+14155550123");
    expect(normalizeIdentity("whatsapp_wa_id", " +4915112345678 ")).toBe("4915112345678");
    expect(normalizeIdentity("external_id", "  User-42 ")).toBe("User-42"); // ids are case-sensitive
    expect(normalizeIdentity("telegram_user_id", "777")).toBe("777");
  });
  it("rejects empty and oversized platform ids", () => {
    for (const kind of IDENTITY_KINDS.filter((k) => k !== "email" && k !== "phone" && k !== "whatsapp_wa_id")) {
      expect(() => normalizeIdentity(kind, "   "), kind).toThrow(InvalidIdentityError);
      expect(() => normalizeIdentity(kind, "x".repeat(257)), kind).toThrow(InvalidIdentityError);
    }
  });
  it("names the kind in the error", () => {
    try {
      normalizeIdentity("email", "nope");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidIdentityError);
      expect((e as InvalidIdentityError).kind).toBe("email");
    }
  });
});

describe("normalizeClaims", () => {
  it("normalises, de-duplicates and keeps the strongest proof", () => {
    const claims = normalizeClaims([
      { kind: "email", value: "A@B.CO", source: "widget_prechat" },
      { kind: "email", value: "a@b.co ", verified: true, source: "email_from" },
      { kind: "phone", value: "+1 415 555 0123", source: "api" },
    ]);
    expect(claims).toEqual([
      { kind: "email", value: "a@b.co", verified: true, source: "widget_prechat" },
      { kind: "phone", value: "+14155550123", verified: false, source: "api" },
    ]);
  });
  it("rejects unknown kinds and bad values", () => {
    expect(() => normalizeClaims([{ kind: "fax" as never, value: "1", source: "x" }])).toThrow(InvalidIdentityError);
    expect(() => normalizeClaims([{ kind: "email", value: "nope", source: "x" }])).toThrow(InvalidIdentityError);
  });
});
