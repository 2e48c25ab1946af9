// Applies and creates Prisma migrations without Prisma's native schema engine
// (its download is impossible here): Prisma's own WebAssembly schema engine,
// driven through @prisma/adapter-pg. It keeps Prisma's layout
// (prisma/migrations/<timestamp>_<name>/migration.sql, migration_lock.toml) and
// its _prisma_migrations table, so a real `prisma migrate deploy` agrees.
import { readFileSync, readdirSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

export const PRISMA_DIR = path.resolve(process.cwd(), "prisma");
const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
const FILTERS = { externalTables: [] as string[], externalEnums: [] as string[] };

type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  createMigration(input: unknown): Promise<{ generatedMigrationName: string; migrationScript: string | null }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

let engineModule: Promise<{ SchemaEngine: { new: (...a: unknown[]) => Promise<Engine> } }> | undefined;

// The package is wasm-bindgen "bundler" output (it imports the .wasm as an ES
// module, which Node 20 only allows behind a flag). Instantiate it by hand.
function loadEngineModule() {
  engineModule ??= (async () => {
    // The engine reports Rust panics through this global.
    const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message: (m: string) => void } };
    g.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (m: string) => console.error(`schema engine panic: ${m}`) };
    const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
    const bg = await import(path.join(dir, "schema_engine_bg.js"));
    const bytes = readFileSync(path.join(dir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return engineModule;
}

// PostgreSQL's catalog has `"char"` columns (OID 18) the adapter cannot
// deserialize; present them as text while the engine runs. Patched on the
// Pool prototype: the adapter queries through its pool.
let patchDepth = 0;
let originalQuery: typeof pg.Pool.prototype.query | undefined;
function patchCharAsText(): () => void {
  if (patchDepth++ === 0) {
    originalQuery = pg.Pool.prototype.query;
    const orig = originalQuery;
    pg.Pool.prototype.query = function patched(this: pg.Pool, ...args: unknown[]) {
      const result = (orig as (...a: unknown[]) => unknown).apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === "function") {
        return (result as Promise<pg.QueryResult>).then((r) => {
          for (const f of r?.fields ?? []) if (f.dataTypeID === PG_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
          return r;
        });
      }
      return result;
    } as typeof pg.Pool.prototype.query;
  }
  return () => {
    if (--patchDepth === 0 && originalQuery) pg.Pool.prototype.query = originalQuery;
  };
}

function adapterFactory(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  return { factory: new PrismaPg(pool), close: () => pool.end().catch(() => undefined) };
}

function readMigrationsList() {
  const lockPath = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  const dirs = existsSync(MIGRATIONS_DIR)
    ? readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join(MIGRATIONS_DIR, d.name, "migration.sql")))
        .map((d) => d.name)
        .sort()
    : [];
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok", value: readFileSync(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

async function withEngine<T>(databaseUrl: string, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const { factory, close } = adapterFactory(databaseUrl);
  const unpatch = patchCharAsText();
  const logs: string[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, readFileSync(SCHEMA_PATH, "utf8")]] },
    (line: string) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(factory as never),
  );
  try {
    return await fn(engine);
  } catch (error) {
    const detail = logs.length ? `\n${logs.slice(-5).join("\n")}` : "";
    throw new Error(`schema engine: ${formatEngineError(error)}${detail}`);
  } finally {
    engine.free();
    await close();
    unpatch();
  }
}

function formatEngineError(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** Applies pending committed migrations. Returns the names applied. */
export async function deployMigrations(databaseUrl: string): Promise<string[]> {
  return withEngine(databaseUrl, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: readMigrationsList(), filters: FILTERS });
    return out.appliedMigrationNames;
  });
}

/**
 * Creates a new migration from the difference between the schema as of the
 * last migration (prisma/migrations/schema.snapshot.prisma, written by this
 * function) and prisma/schema.prisma. The wasm engine cannot describe a live
 * PostgreSQL 18 catalog (new NOT NULL constraint rows) nor open a shadow
 * database, so the diff is schema-to-schema; review the SQL before committing.
 */
export async function createMigration(databaseUrl: string, name: string): Promise<string | null> {
  const snapshotPath = path.join(MIGRATIONS_DIR, "schema.snapshot.prisma");
  const schema = readFileSync(SCHEMA_PATH, "utf8");
  const from = existsSync(snapshotPath)
    ? { tag: "schemaDatamodel", files: [{ path: snapshotPath, content: readFileSync(snapshotPath, "utf8") }] }
    : { tag: "empty" };
  return withEngine(databaseUrl, async (engine) => {
    const out = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: FILTERS,
    });
    const script = (out.stdout ?? "").trim();
    if (!script || /^-- This is an empty migration\.?$/m.test(script)) return null;
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dirName = `${stamp}_${name}`;
    const dir = path.join(MIGRATIONS_DIR, dirName);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), `${script}\n`);
    writeFileSync(snapshotPath, schema);
    return dirName;
  });
}
