// Opaque keyset cursor over (occurred_at, id), newest first.
import { DomainError } from "@/server/lib/domain-error";
export type TimelineCursor = { occurredAt: Date; id: string };

export function encodeCursor(c: TimelineCursor): string {
  return Buffer.from(`${c.occurredAt.toISOString()}|${c.id}`, "utf8").toString("base64url");
}

export class InvalidCursorError extends DomainError {}

export function decodeCursor(raw: string): TimelineCursor {
  const text = Buffer.from(raw, "base64url").toString("utf8");
  const [iso, id] = text.split("|");
  const occurredAt = new Date(iso ?? "");
  if (!id || Number.isNaN(occurredAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new InvalidCursorError("invalid cursor");
  }
  return { occurredAt, id };
}
