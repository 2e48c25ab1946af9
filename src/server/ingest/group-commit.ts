// Group commit for the write path: touchpoints that arrive at the same moment
// (many single-event HTTP requests, webhook bursts) share one transaction
// instead of paying ~10 round trips and a commit each. A caller still gets
// exactly its own result, and only after the transaction committed.
//
// Known customers' plain events go first, as one statement for the batch
// (./fast-ingest.ts); the rest share one full-path transaction. If that fails,
// each is retried on its own, so one bad input cannot fail its neighbours, and
// each caller sees its own error.
import { recordTouchpoint, recordTouchpoints, recordTouchpointsFast, type TouchpointInput, type TouchpointResult } from "./record";

type Waiter = { input: TouchpointInput; resolve: (r: TouchpointResult) => void; reject: (e: unknown) => void };

const MAX_BATCH = 200;
let queue: Waiter[] = [];
let scheduled = false;
let inFlight = 0;
// Batches in flight at once: enough to keep the pool busy, few enough to batch.
const MAX_IN_FLIGHT = 4;

export function recordTouchpointGrouped(input: TouchpointInput): Promise<TouchpointResult> {
  return new Promise((resolve, reject) => {
    queue.push({ input, resolve, reject });
    schedule();
  });
}

function schedule() {
  if (scheduled || queue.length === 0 || inFlight >= MAX_IN_FLIGHT) return;
  scheduled = true;
  // setImmediate: requests parsed in this turn of the event loop join the batch.
  setImmediate(() => {
    scheduled = false;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(batch.length);
    if (batch.length > 0) void run(batch);
    schedule();
  });
}

async function run(batch: Waiter[]) {
  inFlight++;
  try {
    // Known customers' plain events: one statement for the whole batch, each
    // item on its own (a duplicate or an unknown identity holds nobody back).
    const fast = await recordTouchpointsFast(batch.map((w) => w.input)).catch(() => batch.map(() => null));
    const rest = batch.filter((w, i) => {
      const r = fast[i];
      if (r) w.resolve(r);
      return !r;
    });
    if (rest.length === 0) return;
    if (rest.length === 1) {
      const [w] = rest;
      await recordTouchpoint(w!.input).then(w!.resolve, w!.reject);
      return;
    }
    try {
      const results = await recordTouchpoints(rest.map((w) => w.input));
      rest.forEach((w, i) => w.resolve(results[i]!));
    } catch {
      await Promise.all(rest.map((w) => recordTouchpoint(w.input).then(w.resolve, w.reject)));
    }
  } finally {
    inFlight--;
    schedule();
  }
}
