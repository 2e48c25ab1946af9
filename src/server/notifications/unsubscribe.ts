// One-click unsubscribe from a notification email: a signed token naming the
// agent and the kind, opened from an email client (GET shows a confirmation
// with one button; POST, also RFC 8058's List-Unsubscribe-Post, turns email
// off for that kind). No sign-in needed: the signature is the authority, and
// the worst a leaked link can do is stop some emails.
import { timingSafeEqual } from "node:crypto";
import { publicUrl } from "@/env";
import { isUuid } from "@/server/db/ids";
import { signUnsubscribe } from "./instance-keys";
import { isPreferenceKind, setPreference, type PreferenceKind } from "./preferences";

export async function unsubscribeToken(userId: string, kind: PreferenceKind): Promise<string> {
  const body = Buffer.from(`${userId}:${kind}`).toString("base64url");
  return `${body}.${await signUnsubscribe(`unsubscribe:${body}`)}`;
}

export async function unsubscribeUrl(userId: string, kind: PreferenceKind): Promise<string> {
  return `${publicUrl()}/unsubscribe?t=${encodeURIComponent(await unsubscribeToken(userId, kind))}`;
}

/** The agent and kind a token names, or null when it is malformed or not signed by this instance. */
export async function readUnsubscribeToken(token: string | null | undefined): Promise<{ userId: string; kind: PreferenceKind } | null> {
  if (!token || token.length > 300) return null;
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined) return null;
  const want = Buffer.from(await signUnsubscribe(`unsubscribe:${body}`));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  const [userId, kind] = Buffer.from(body, "base64url").toString("utf8").split(":");
  if (!isUuid(userId) || !kind || !isPreferenceKind(kind)) return null;
  return { userId, kind };
}

/** Turns email off for the token's kind; null when the token is not valid. */
export async function applyUnsubscribe(token: string | null | undefined) {
  const target = await readUnsubscribeToken(token);
  if (!target) return null;
  await setPreference(target.userId, target.kind, { email: false });
  return target;
}
