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
let embedded: EmbeddedDatabase | undefined;
let tmpDir: string | undefined;
let adminUrl: string;

function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function setup(project: TestProject) {
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
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", TEMPLATE);
}

export async function teardown() {
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
