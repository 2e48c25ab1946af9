// npm run db:migrate -- <name>   create a migration from prisma/schema.prisma
// npm run db:deploy              apply pending migrations
// Uses DATABASE_URL, or a throwaway embedded PostgreSQL when it is unset.
import { createMigration, deployMigrations } from "../src/server/db/migrator.ts";
import { startEmbeddedPostgres, ensureDatabase } from "../src/server/db/embedded.ts";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const [command, name = "change"] = process.argv.slice(2);
let url = process.env.DATABASE_URL;
let stop: (() => Promise<void>) | undefined;
let tmp: string | undefined;
if (!url) {
  tmp = mkdtempSync(path.join(os.tmpdir(), "throughline-migrate-"));
  const db = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), ephemeral: true });
  await ensureDatabase(db, "throughline");
  url = db.url("throughline");
  stop = db.stop;
}
try {
  if (command === "create") {
    const created = await createMigration(url, name.replace(/[^a-z0-9_]+/gi, "_"));
    console.log(created ? `created prisma/migrations/${created}/migration.sql` : "schema unchanged: no migration created");
  } else if (command === "deploy") {
    const applied = await deployMigrations(url);
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
  } else {
    console.error("usage: migrate.ts create <name> | deploy");
    process.exitCode = 2;
  }
} finally {
  await stop?.();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
