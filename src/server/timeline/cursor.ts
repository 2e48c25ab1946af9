// The timeline's keyset cursor over (occurred_at, id), newest first
// (the token itself: src/server/lib/keyset-cursor.ts).
import { DomainError } from "@/server/lib/domain-error";
import { decodeKeysetCursor, encodeKeysetCursor } from "@/server/lib/keyset-cursor";
export type TimelineCursor = { occurredAt: Date; id: string };

export function encodeCursor(c: TimelineCursor): string {
  return encodeKeysetCursor({ at: c.occurredAt, id: c.id });
}

export class InvalidCursorError extends DomainError {}

export function decodeCursor(raw: string): TimelineCursor {
  const p = decodeKeysetCursor(raw);
  if (!p) throw new InvalidCursorError("invalid cursor");
  return { occurredAt: p.at, id: p.id };
}
