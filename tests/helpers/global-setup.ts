// Starts one embedded PostgreSQL for the whole run (or uses TEST_DATABASE_URL's
// server), builds a migrated template database, and hands its coordinates to
// the test files, which each clone their own isolated database from it.
import type { TestProject } from "vitest/node";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/server/db/embedded.ts";
import { deployMigrations } from "../../src/server/db/migrator.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

const TEMPLATE = `throughline_template_${process.pid}`;

// Vitest runs this setup once per project (integration, e2e) in one process:
// share one server and one template between them, torn down by the last user.
type Shared = { ready: Promise<{ adminUrl: string; embedded?: EmbeddedDatabase; tmpDir?: string }>; users: number };
const g = globalThis as unknown as { __throughlineTestDb?: Shared };

function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function start() {
  let adminUrl: string;
  let embedded: EmbeddedDatabase | undefined;
  let tmpDir: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    tmpDir = mkdtempSync(path.join(os.tmpdir(), "throughline-test-"));
    embedded = await startEmbeddedPostgres({ dataDir: path.join(tmpDir, "pg"), ephemeral: true });
    adminUrl = embedded.url("postgres");
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${TEMPLATE}"`);
  await admin.end();
  await deployMigrations(withDatabase(adminUrl, TEMPLATE));
  return { adminUrl, embedded, tmpDir };
}

export async function setup(project: TestProject) {
  const shared = (g.__throughlineTestDb ??= { ready: start(), users: 0 });
  shared.users++;
  const { adminUrl } = await shared.ready;
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", TEMPLATE);
}

export async function teardown() {
  const shared = g.__throughlineTestDb;
  if (!shared || --shared.users > 0) return;
  g.__throughlineTestDb = undefined;
  const { adminUrl, embedded, tmpDir } = await shared.ready;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const dbs = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'tl_test_%' OR datname = $1",
      [TEMPLATE],
    );
    for (const { datname } of dbs.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
  } catch {
    /* the server may already be gone */
  }
  await embedded?.stop();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
}
