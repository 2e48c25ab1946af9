// A plain pg pool for the few hot reads where Prisma's query path costs more
// than the query itself (the timeline's first pages): named prepared
// statements, parsed and planned once per connection. Prisma stays the schema,
// the migrations and every other data access. Same DATABASE_URL, same
// lifetime; kept on globalThis like the Prisma client (server.ts and Next's
// bundle are separate module graphs in one process).
import pg from "pg";
import { envValue } from "@/env";

type Registry = { __throughlinePg?: pg.Pool; __throughlinePgUrl?: string };
const g = globalThis as unknown as Registry;

export function hotPool(): pg.Pool {
  const url = envValue("DATABASE_URL");
  if (!url) throw new Error("DATABASE_URL is not set: start the app through server.ts (npm start)");
  if (!g.__throughlinePg || g.__throughlinePgUrl !== url) {
    void g.__throughlinePg?.end().catch(() => undefined);
    g.__throughlinePg = new pg.Pool({ connectionString: url, max: 8 });
    // An idle connection dropped by the server (restart, failover) must not crash the process.
    g.__throughlinePg.on("error", () => undefined);
    g.__throughlinePgUrl = url;
  }
  return g.__throughlinePg;
}

/** The hot pool's connections (total, idle) and the queries waiting for one; undefined before its first use. */
export function hotPoolStats(): { total: number; idle: number; waiting: number } | undefined {
  const pool = g.__throughlinePg;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : undefined;
}

/** Runs a named prepared statement (the name identifies the SQL text; keep both fixed). */
export async function prepared<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
  const result = await hotPool().query<R>({ name, text, values });
  return result.rows;
}

export async function closeHotPool() {
  const pool = g.__throughlinePg;
  g.__throughlinePg = undefined;
  g.__throughlinePgUrl = undefined;
  await pool?.end();
}
