// Who is this widget visitor?
//
// - Anonymous visitors get a random 128-bit id from the server and a signed,
//   expiring, rotating token for it (visitor-tokens.ts): nobody can take over
//   a visitor (and read their conversation) by guessing or copying the id
//   alone, and a copied token stops working once the visitor renews it.
// - A verified identity comes from the host page, Intercom-style:
//   window.ThroughlineSettings = { userId?, email?, name?, userHash } where
//   userHash = hex HMAC-SHA256(userId ?? email, WIDGET_IDENTITY_SECRET). A wrong
//   hash is refused outright: the visitor is never linked to that customer.
//   When the hash signs a userId, an email given alongside is NOT covered by
//   it and stays an unverified claim (a signed-in user of the host site could
//   otherwise type someone else's email into the settings and be linked to
//   them).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { namedSecret, purposeSecret } from "@/server/security/secrets";
import { db } from "@/server/db";
import { followMergeChains, type IdentityClaim } from "@/server/customers/identity";
import { InvalidIdentityError, normalizeIdentity } from "@/server/customers/normalize";
import type { Tx } from "@/server/db/tx";
import type { VisitorIdentity } from "./protocol";

export const VISITOR_ID = /^[0-9a-f]{32}$/;

export type VerifiedIdentity = { userId: string | null; email: string | null };

export type VisitorSession = {
  inboxId: string;
  publicId: string;
  visitorId: string;
  /** Set when the host page proved who this is with a valid userHash. */
  verified: VerifiedIdentity | null;
  /** Unverified extras: an email the page gave without a hash (or beside a signed userId), pre-chat answers. */
  claimedEmail: string | null;
  name: string | null;
};

function hmac(key: string, message: string) {
  return createHmac("sha256", key).update(message).digest();
}

function safeEqual(a: Buffer, b: Buffer) {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function newVisitorId(): string {
  return randomBytes(16).toString("hex");
}

/** hex HMAC-SHA256(value, WIDGET_IDENTITY_SECRET), as the host's backend computes it. */
export function identityHash(value: string, secret = namedSecret("WIDGET_IDENTITY_SECRET")): string {
  return hmac(secret, value).toString("hex");
}

export function verifyUserHash(value: string, userHash: string, secret = namedSecret("WIDGET_IDENTITY_SECRET")): boolean {
  if (typeof userHash !== "string" || !/^[0-9a-fA-F]{64}$/.test(userHash)) return false;
  return safeEqual(Buffer.from(identityHash(value, secret), "hex"), Buffer.from(userHash.toLowerCase(), "hex"));
}

export type IdentityInput = VisitorIdentity;

export type IdentityCheck =
  | { ok: true; verified: VerifiedIdentity | null; claimedEmail: string | null; name: string | null }
  | { ok: false; code: "identity_rejected" | "verification_required"; message: string };

/**
 * Checks the identity the host page gave. requireVerified: the inbox is in
 * verified mode, so an identity without a valid hash — or none at all — is refused.
 */
export function checkIdentity(input: IdentityInput | undefined, requireVerified: boolean): IdentityCheck {
  const userId = input?.userId?.trim() || null;
  const rawEmail = input?.email?.trim() || null;
  const name = input?.name?.trim().slice(0, 200) || null;
  let email: string | null = null;
  if (rawEmail) {
    try {
      email = normalizeIdentity("email", rawEmail);
    } catch (error) {
      if (!(error instanceof InvalidIdentityError)) throw error;
      return { ok: false, code: "identity_rejected", message: "The email address in ThroughlineSettings is not valid." };
    }
  }
  if (input?.userHash !== undefined && input.userHash !== "") {
    const signed = userId ?? rawEmail;
    if (!signed || !verifyUserHash(signed, input.userHash)) {
      return { ok: false, code: "identity_rejected", message: "We could not verify your identity, so this chat is unavailable." };
    }
    return userId
      ? { ok: true, verified: { userId, email: null }, claimedEmail: email, name }
      : { ok: true, verified: { userId: null, email }, claimedEmail: null, name };
  }
  if (requireVerified) {
    return { ok: false, code: "verification_required", message: "Please sign in to chat with us." };
  }
  return { ok: true, verified: null, claimedEmail: email, name };
}

/**
 * The identity claims every touchpoint of this visitor carries. The visitor id
 * is verified (the token proves it); so are hash-signed ids. Unverified claims
 * never pull a visitor onto an existing customer (see customers/identity.ts).
 */
export function visitorClaims(s: VisitorSession, extra: IdentityClaim[] = []): IdentityClaim[] {
  const claims: IdentityClaim[] = [{ kind: "widget_visitor", value: s.visitorId, verified: true, source: "widget" }];
  if (s.verified?.userId) claims.push({ kind: "external_id", value: s.verified.userId, verified: true, source: "widget_verified" });
  if (s.verified?.email) claims.push({ kind: "email", value: s.verified.email, verified: true, source: "widget_verified" });
  if (s.claimedEmail && s.claimedEmail !== s.verified?.email) claims.push({ kind: "email", value: s.claimedEmail, verified: false, source: "widget_unverified" });
  return [...claims, ...extra];
}

/**
 * The customer this visitor speaks as, without writing anything: the owner of
 * the strongest verified claim (the same customer recordTouchpoint resolves the
 * visitor's touchpoints to), merge chains followed. Null before the first touchpoint.
 */
export async function visitorCustomerId(s: VisitorSession): Promise<string | null> {
  const claims: { kind: "external_id" | "email" | "widget_visitor"; value: string }[] = [];
  if (s.verified?.userId) claims.push({ kind: "external_id", value: normalizeIdentity("external_id", s.verified.userId) });
  if (s.verified?.email) claims.push({ kind: "email", value: s.verified.email });
  claims.push({ kind: "widget_visitor", value: s.visitorId });
  const rows = await db.customerIdentity.findMany({
    where: { OR: claims.map((c) => ({ kind: c.kind, value: c.value })) },
    select: { kind: true, value: true, customerId: true },
  });
  for (const c of claims) {
    const row = rows.find((r) => r.kind === c.kind && r.value === c.value);
    if (!row) continue;
    const roots = await followMergeChains(db as unknown as Tx, [row.customerId]);
    return roots.get(row.customerId) ?? null;
  }
  return null;
}

/**
 * An anonymous visitor id whose customer has been proven to be someone (a
 * verified email or user id) must not show that person's conversation to
 * whoever uses the browser next without the proof (a shared computer after
 * sign-out). Such a visitor gets a fresh id instead.
 */
export async function anonymousVisitorIsTaken(visitorId: string): Promise<boolean> {
  const row = await db.customerIdentity.findUnique({ where: { kind_value: { kind: "widget_visitor", value: visitorId } }, select: { customerId: true } });
  if (!row) return false;
  const roots = await followMergeChains(db as unknown as Tx, [row.customerId]);
  const customerId = roots.get(row.customerId) ?? row.customerId;
  const verified = await db.customerIdentity.count({ where: { customerId, verified: true, kind: { in: ["email", "external_id"] } } });
  return verified > 0;
}

// Signed, expiring links to attachment bytes: the socket checked the visitor
// may see the message, the link lets an <img> load it without headers.
export function signAttachment(id: string, expiresAt: number, secret = purposeSecret("attachment-links")): string {
  return hmac(secret, `throughline:widget-attachment:v1:${id}:${expiresAt}`).toString("base64url");
}

export function attachmentPath(id: string, ttlMs = 24 * 3600 * 1000): string {
  const e = Math.floor((Date.now() + ttlMs) / 1000);
  return `/api/widget/attachments/${id}?e=${e}&s=${signAttachment(id, e)}`;
}

export function verifyAttachmentSignature(id: string, e: string | null, s: string | null): boolean {
  if (!e || !s || !/^\d{1,12}$/.test(e) || s.length > 100) return false;
  if (Number(e) * 1000 < Date.now()) return false;
  return safeEqual(Buffer.from(signAttachment(id, Number(e))), Buffer.from(s));
}
