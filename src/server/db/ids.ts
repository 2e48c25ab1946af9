// Time-ordered ids (UUIDv7) made here rather than by the database, so a batch
// can insert rows that reference each other in one statement, and so ids made
// in one process are strictly increasing: two events with the same occurredAt
// keep their insertion order in the timeline's (occurred_at, id) order.
import { randomBytes } from "node:crypto";

let lastMs = 0;
let seq = 0;

export function uuidv7(now: number = Date.now()): string {
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    seq += 1;
    // 12 bits of sequence per millisecond; borrow the next millisecond when spent.
    if (seq > 0xfff) {
      ms += 1;
      seq = 0;
    }
  } else {
    // Start low in the range so a burst within one millisecond has room.
    seq = randomBytes(1)[0]! & 0x7f;
  }
  lastMs = ms;
  const b = randomBytes(16);
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | ((seq >>> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_RE.test(value);
}
