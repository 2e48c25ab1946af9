// Queued events, serialised once when tracked, cut into request-sized batches.
import type { Batch } from "./send.js";
import type { SentEvent } from "./types.js";

/** The events API takes at most 1 MiB per request; stay below it with room for the brackets and commas. */
export const MAX_BODY_BYTES = 1_000_000;

export type Queued = { event: SentEvent; json: string; bytes: number };

const encoder = new TextEncoder();
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
const utf8Length = (s: string) => (ASCII.test(s) ? s.length : encoder.encode(s).length);

export function serialise(event: SentEvent): Queued {
  let json: string;
  try {
    json = JSON.stringify(event);
  } catch (cause) {
    throw new TypeError(`track(): event "${event.name}" cannot be sent as JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
  const bytes = utf8Length(json);
  if (bytes + 2 > MAX_BODY_BYTES) throw new TypeError(`track(): event "${event.name}" is ${bytes} bytes as JSON; the events API takes at most ${MAX_BODY_BYTES} per request`);
  return { event, json, bytes };
}

/** Takes every queued event, in order, as batches of at most batchSize events and MAX_BODY_BYTES. */
export function cutBatches(queue: Queued[], batchSize: number): Batch[] {
  const batches: Batch[] = [];
  let current: Queued[] = [];
  let bytes = 2;
  const close = () => {
    if (current.length) batches.push({ events: current.map((q) => q.event), body: `[${current.map((q) => q.json).join(",")}]` });
    current = [];
    bytes = 2;
  };
  for (const q of queue) {
    if (current.length === batchSize || bytes + q.bytes + 1 > MAX_BODY_BYTES) close();
    current.push(q);
    bytes += q.bytes + 1;
  }
  close();
  return batches;
}
