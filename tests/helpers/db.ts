// Each test file gets its own database, cloned from the migrated template
// (a file-level copy: milliseconds), so files run in parallel in isolation.
import { inject } from "vitest";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { createPrisma, type PrismaClient } from "../../src/server/db.ts";

export type TestDatabase = { url: string; name: string; prisma: PrismaClient; drop: () => Promise<void> };

function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplate");
  const name = `tl_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Cloning needs the template to have no other connections; retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const prisma = createPrisma(url, 10);
  return {
    url,
    name,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * Points this test file's process (and the shared `db` client) at a fresh
 * database. Call in beforeAll; call the returned drop in afterAll.
 */
export async function useTestDatabase(): Promise<TestDatabase> {
  const test = await createTestDatabase();
  process.env.DATABASE_URL = test.url;
  return test;
}
