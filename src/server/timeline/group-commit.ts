// Group commit for the write path: touchpoints that arrive at the same moment
// (many single-event HTTP requests, webhook bursts) share one transaction
// instead of paying ~10 round trips and a commit each. A caller still gets
// exactly its own result, and only after the transaction committed.
//
// If a shared batch fails, each touchpoint is retried on its own, so one bad
// input cannot fail its neighbours, and each caller sees its own error.
import { recordTouchpoint, recordTouchpoints, type TouchpointInput, type TouchpointResult } from "./ingest";

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
    if (batch.length === 1) {
      const [w] = batch;
      await recordTouchpoint(w!.input).then(w!.resolve, w!.reject);
      return;
    }
    try {
      const results = await recordTouchpoints(batch.map((w) => w.input));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch {
      await Promise.all(batch.map((w) => recordTouchpoint(w.input).then(w.resolve, w.reject)));
    }
  } finally {
    inFlight--;
    schedule();
  }
}
