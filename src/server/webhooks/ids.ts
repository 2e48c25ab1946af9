// Deterministic event ids: the same source (a timeline event, a conversation's
// creation, a customer, a merge) always gives the same id, so a redelivered
// batch of domain events inserts no second delivery and receivers can dedupe
// on webhook-id. RFC 4122 version 5 layout (SHA-1 of a namespaced name).
import { createHash } from "node:crypto";

const NAMESPACE = "throughline:webhooks:v1";

export function webhookEventId(name: string): string {
  const h = createHash("sha1").update(`${NAMESPACE}:${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
