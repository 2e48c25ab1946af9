// Imports another helpdesk's export: customers, identities, conversations,
// messages and internal notes, with their original times and statuses.
//
//   npm run import -- --from zendesk ./export            tickets.json (+ users.json), Zendesk's JSON export
//   npm run import -- --from zendesk ./tickets.json      one file (an Incremental Export with sideloaded users)
//   npm run import -- --from chatwoot ./export           conversations.json (+ contacts.csv or contacts.json)
//     --inbox <name or id>   the inbox to import into (default: "Zendesk import" / "Chatwoot import", created)
//     --dry-run              parse and write everything, then roll it back: the summary says what would happen
//     --details              list every skipped record, not only the counts
//
// Safe to run again: what is already imported is skipped. Uses DATABASE_URL,
// else the app's embedded PostgreSQL (EMBEDDED_PG_DIR; the running app's, when
// it is up). See docs/import.md.
import { parseArgs } from "node:util";
import type { SingleBar } from "cli-progress";
import { loadEnvFiles } from "../src/server/config/load-env-files.ts";
import { DomainError } from "../src/server/lib/domain-error.ts";
import { IMPORT_SOURCES, type ImportSource } from "../src/server/import/model.ts";
import type { ImportProgress } from "../src/server/import/run.ts";
import type { EmbeddedDatabase } from "../src/server/db/embedded.ts";

const USAGE = "usage: npm run import -- --from zendesk|chatwoot <export path> [--inbox <name or id>] [--dry-run] [--details]";

function fail(message: string, code = 1): never {
  console.error(`import: ${message}`);
  process.exit(code);
}

function args() {
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2),
      options: { from: { type: "string" }, inbox: { type: "string" }, "dry-run": { type: "boolean", default: false }, details: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (!values.from || !(IMPORT_SOURCES as readonly string[]).includes(values.from)) fail(`--from must be one of ${IMPORT_SOURCES.join(", ")}\n${USAGE}`, 2);
    if (positionals.length !== 1) fail(`give exactly one export path\n${USAGE}`, 2);
    return { source: values.from as ImportSource, location: positionals[0]!, inbox: values.inbox ?? null, dryRun: values["dry-run"], details: values.details };
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
}

/** The app's database: DATABASE_URL, the running app's embedded PostgreSQL, or that one started here. */
async function connect(): Promise<EmbeddedDatabase | undefined> {
  const [{ env, resetEnvCache }, { getDb }, { ensureDatabase, startEmbeddedPostgres }, { deployMigrations }, { default: pg }] = await Promise.all([
    import("../src/env.ts"),
    import("../src/server/db.ts"),
    import("../src/server/db/embedded.ts"),
    import("../src/server/db/migrator.ts"),
    import("pg"),
  ]);
  const config = env();
  if (config.DATABASE_URL) {
    const [row] = await getDb().$queryRaw<{ migrated: boolean }[]>`SELECT to_regclass('public.conversations') IS NOT NULL AS migrated`;
    if (!row?.migrated) throw new Error("the database has no Throughline tables — run npm run db:deploy first");
    return undefined;
  }
  const running = `postgresql://throughline:throughline@127.0.0.1:${config.EMBEDDED_PG_PORT}/throughline`;
  const probe = new pg.Client({ connectionString: running, connectionTimeoutMillis: 2_000 });
  const up = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => undefined);
  let embedded: EmbeddedDatabase | undefined;
  if (up) process.env.DATABASE_URL = running;
  else {
    embedded = await startEmbeddedPostgres({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT });
    await ensureDatabase(embedded, "throughline");
    process.env.DATABASE_URL = embedded.url("throughline");
  }
  resetEnvCache();
  try {
    await deployMigrations(process.env.DATABASE_URL);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return embedded;
}

/** A bar on a terminal; a line per tenth elsewhere (CI logs). */
function progress(cliProgress: typeof import("cli-progress")) {
  const tty = process.stderr.isTTY === true && !process.env.CI;
  let bar: SingleBar | null = null;
  let phase = "";
  let lastTenth = -1;
  return {
    update(p: ImportProgress) {
      if (p.phase !== phase) {
        bar?.stop();
        phase = p.phase;
        lastTenth = -1;
        if (tty) {
          bar = new cliProgress.SingleBar({ format: `${p.phase.padEnd(13)} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
          bar.start(p.total, 0);
        }
      }
      if (bar) bar.update(p.done);
      else {
        const tenth = p.total ? Math.floor((p.done * 10) / p.total) : 10;
        if (tenth !== lastTenth) console.error(`import: ${p.phase} ${p.done}/${p.total}`);
        lastTenth = tenth;
      }
    },
    stop: () => bar?.stop(),
  };
}

async function main() {
  loadEnvFiles();
  const a = args();
  // The export is read and checked before the database is touched: a bad file stores nothing.
  const { loadExport } = await import("../src/server/import/load.ts");
  const bundle = await loadExport(a.source, a.location);
  const [{ disconnectDb }, { findImportInbox }, { runImport }, { formatSummary }, { default: cliProgress }] = await Promise.all([
    import("../src/server/db.ts"),
    import("../src/server/import/inbox.ts"),
    import("../src/server/import/run.ts"),
    import("../src/server/import/report.ts"),
    import("cli-progress"),
  ]);
  const embedded = await connect();
  const bar = progress(cliProgress);
  try {
    const inbox = await findImportInbox(a.source, a.inbox, { create: !a.dryRun });
    const summary = await runImport(bundle, { inbox, dryRun: a.dryRun, onProgress: (p) => bar.update(p) });
    bar.stop();
    console.log(formatSummary(summary, { details: a.details }));
    if (summary.failed > 0) process.exitCode = 1;
  } finally {
    bar.stop();
    await disconnectDb();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof DomainError) fail(error.message);
  // Prisma's messages span several lines; the last one says what went wrong.
  const text = error instanceof Error ? error.message : String(error);
  fail(`failed — ${text.split("\n").map((l) => l.trim()).filter(Boolean).pop() ?? "unknown error"}`);
});
