// The one Prisma client. Kept on globalThis: the custom server (server.ts) and
// Next's bundled route code are separate module graphs in one process, and
// both must share one pool.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { envValue } from "@/env";
import { closeHotPool } from "@/server/db/pg";

type Registry = { __throughlineDb?: PrismaClient; __throughlineDbUrl?: string };
const g = globalThis as unknown as Registry;

function databaseUrl(): string {
  const url = envValue("DATABASE_URL");
  if (!url) throw new Error("DATABASE_URL is not set: start the app through server.ts (npm start)");
  return url;
}

export function createPrisma(url: string, max = 20) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
}

export function getDb(): PrismaClient {
  const url = databaseUrl();
  if (!g.__throughlineDb || g.__throughlineDbUrl !== url) {
    g.__throughlineDb = createPrisma(url);
    g.__throughlineDbUrl = url;
  }
  return g.__throughlineDb;
}

/** Proxy so modules can `import { db }` before the URL is known. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const client = getDb() as unknown as Record<string | symbol, unknown>;
    const value = client[prop];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});

export async function disconnectDb() {
  const client = g.__throughlineDb;
  g.__throughlineDb = undefined;
  g.__throughlineDbUrl = undefined;
  await Promise.all([client?.$disconnect(), closeHotPool()]);
}

export type { PrismaClient };
export { Prisma } from "@/generated/prisma/client";
