// One process: Next.js (console, REST, webhooks), socket.io (live push) and the
// SMTP server, on one HTTP port. Start with `node --import tsx server.ts` (or
// `npm start`, which builds first when needed).
//
// Start-up order: validate config → database (embedded unless DATABASE_URL) →
// migrations → demo seed on an empty database (unless SEED=false) → Next →
// socket.io → listen. Shutdown: stop accepting, drain sockets, stop workers,
// close the database, stop the embedded PostgreSQL.
import { loadEnvFiles } from "./src/server/config/load-env-files.ts";
import { EnvError, parseEnv, type Env } from "./src/env.ts";

loadEnvFiles();
let config: Env;
try {
  config = parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const { startApp } = await import("./src/server/app/start.ts");
const app = await startApp(config, { dev: process.argv.includes("--dev") }).catch((error: unknown) => {
  console.error(`Throughline failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: shutting down…`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
  });
}
