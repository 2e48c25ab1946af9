// Transactions for the write path. Concurrent deliveries of the same thing
// (a webhook retried while the first attempt is still running, two messages
// introducing the same new email at once) meet at a unique index; the loser's
// transaction is rolled back and run again, and on the second run it finds the
// winner's rows. Deadlocks and serialization failures are retried the same way.
import { db, Prisma } from "@/server/db";

export type Tx = Prisma.TransactionClient;

/** Thrown inside a transaction to roll it back and run it again from the start. */
export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(`retry: ${reason}`);
  }
}

type Meta = { code?: unknown; driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };

/** The PostgreSQL SQLSTATE behind a Prisma or pg error, when there is one. */
export function sqlState(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { code?: unknown; meta?: Meta; cause?: unknown; message?: unknown };
  if (e.code === "P2002") return "23505";
  if (e.code === "P2003") return "23503";
  if (e.code === "P2034") return "40001";
  const cause = e.meta?.driverAdapterError?.cause;
  if (cause) {
    if (typeof cause.originalCode === "string") return cause.originalCode;
    if (cause.kind === "UniqueConstraintViolation") return "23505";
    if (cause.kind === "TransactionWriteConflict") return "40001";
  }
  if (typeof e.meta?.code === "string" && /^[0-9A-Z]{5}$/.test(e.meta.code)) return e.meta.code;
  if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  if (typeof e.message === "string") {
    const m = /\b(23505|40001|40P01)\b/.exec(e.message);
    if (m) return m[1];
  }
  if (e.cause && e.cause !== error) return sqlState(e.cause);
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === "23505";
}

function isRetryable(error: unknown): boolean {
  if (error instanceof RetryTransaction) return true;
  const state = sqlState(error);
  return state === "23505" || state === "40001" || state === "40P01";
}

export type TxOptions = { timeout?: number; maxWait?: number; attempts?: number };

/** Runs fn in one transaction, retrying the whole of it on races (see above). */
export async function runTransaction<T>(fn: (tx: Tx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(fn, { timeout: opts.timeout ?? 30_000, maxWait: opts.maxWait ?? 10_000 });
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      // A short random pause lets the winner commit before we look again.
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}
