// Email inboxes: found by address (RCPT TO, case-insensitive, plus-addresses
// too) or by their token (HTTP inbound, the token lives in the environment
// variable the inbox's secretEnv.token names).
import { createHash, timingSafeEqual } from "node:crypto";
import { db } from "@/server/db";
import { splitPlusAddress } from "./headers";

export type EmailInbox = { id: string; address: string; name: string };

type Row = { id: string; public_id: string; name: string; secret_env: unknown };

const toInbox = (r: Row): EmailInbox => ({ id: r.id, address: r.public_id, name: r.name });

/** The email inbox that receives mail for this address ("Support+t12@X.test" → support@x.test), or null. */
export async function findEmailInboxByAddress(address: string): Promise<EmailInbox | null> {
  const trimmed = address.trim().toLowerCase();
  const { base } = splitPlusAddress(trimmed);
  const candidates = [...new Set([trimmed, base])];
  const rows = await db.$queryRaw<Row[]>`
    SELECT id, public_id, name, secret_env FROM inboxes
    WHERE channel = 'email' AND lower(public_id) = ANY(${candidates}::text[])`;
  // An inbox whose own address contains a "+" wins over the base address.
  const exact = rows.find((r) => r.public_id.toLowerCase() === trimmed);
  const row = exact ?? rows.find((r) => r.public_id.toLowerCase() === base);
  return row ? toInbox(row) : null;
}

function digest(value: string) {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * The email inboxes whose token this is (several inboxes may share one token
 * variable). Every inbox's token is compared, each in constant time, so timing
 * says nothing about which matched.
 */
export async function findEmailInboxesByToken(token: string, env: NodeJS.ProcessEnv = process.env): Promise<EmailInbox[]> {
  if (!token) return [];
  const rows = await db.$queryRaw<Row[]>`SELECT id, public_id, name, secret_env FROM inboxes WHERE channel = 'email' ORDER BY created_at, id`;
  const given = digest(token);
  const found: EmailInbox[] = [];
  for (const r of rows) {
    const ref = r.secret_env && typeof r.secret_env === "object" ? (r.secret_env as Record<string, unknown>).token : undefined;
    const expected = typeof ref === "string" && ref ? env[ref] : undefined;
    if (!expected) continue;
    if (timingSafeEqual(given, digest(expected))) found.push(toInbox(r));
  }
  return found;
}

/** Of several candidate inboxes, the one the mail is addressed to (To, Cc, envelope), else the first. */
export function pickInbox(candidates: EmailInbox[], recipients: string[]): EmailInbox | null {
  if (candidates.length <= 1) return candidates[0] ?? null;
  const wanted = new Set(recipients.flatMap((a) => [a.trim().toLowerCase(), splitPlusAddress(a).base]));
  return candidates.find((c) => wanted.has(c.address.toLowerCase())) ?? candidates[0]!;
}
