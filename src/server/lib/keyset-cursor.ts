// The opaque keyset cursor every newest-first list hands back: (timestamp, id)
// as base64url. Each list keeps its own refusal (its error type and words);
// this only reads and writes the token.
import { isUuid } from "@/server/db/ids";

export type KeysetPosition = { at: Date; id: string };

export function encodeKeysetCursor(p: KeysetPosition): string {
  return Buffer.from(`${p.at.toISOString()}|${p.id}`, "utf8").toString("base64url");
}

/** The position a cursor names, or null when it is not one of ours. */
export function decodeKeysetCursor(raw: string): KeysetPosition | null {
  const [iso, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  const at = new Date(iso ?? "");
  if (!id || !isUuid(id) || Number.isNaN(at.getTime())) return null;
  return { at, id };
}
