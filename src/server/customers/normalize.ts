// Canonical forms of identity values, so the same person is found whatever
// way they typed it: emails lower-cased and trimmed, phones in E.164.
import { parsePhoneNumberFromString } from "libphonenumber-js";

export const IDENTITY_KINDS = [
  "email",
  "phone",
  "external_id",
  "widget_visitor",
  "messenger_psid",
  "instagram_id",
  "whatsapp_wa_id",
  "telegram_user_id",
  "x_user_id",
] as const;
export type IdentityKindName = (typeof IDENTITY_KINDS)[number];

export class InvalidIdentityError extends Error {
  constructor(
    public kind: string,
    message: string,
  ) {
    super(message);
  }
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

export function normalizeEmail(raw: string): string {
  const value = raw.trim().toLowerCase();
  // Length first: EMAIL is quadratic in the number of dots of a domain that
  // fails at its end ("a@a.a.a…a:"), and a From header can be 1 MB.
  if (value.length > 320 || !EMAIL.test(value)) throw new InvalidIdentityError("email", `invalid email address: ${raw.slice(0, 80)}`);
  return value;
}

/** E.164 ("+4915112345678"). Numbers without a country code need defaultCountry. */
export function normalizePhone(raw: string, defaultCountry?: string): string {
  const trimmed = raw.trim();
  const withPlus = /^\d{8,15}$/.test(trimmed) && !defaultCountry ? `+${trimmed}` : trimmed;
  const parsed = parsePhoneNumberFromString(withPlus, defaultCountry as never);
  if (!parsed || !parsed.isPossible()) throw new InvalidIdentityError("phone", `invalid phone number: ${raw.slice(0, 40)}`);
  return parsed.number;
}

export function normalizeIdentity(kind: IdentityKindName, raw: string): string {
  switch (kind) {
    case "email":
      return normalizeEmail(raw);
    case "phone":
      return normalizePhone(raw);
    case "whatsapp_wa_id":
      // WhatsApp ids are the phone number in international format without "+".
      return raw.trim().replace(/^\+/, "");
    default: {
      const value = raw.trim();
      if (!value || value.length > 256) throw new InvalidIdentityError(kind, `invalid ${kind}`);
      return value;
    }
  }
}
