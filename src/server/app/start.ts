// Boots the app in this process as ROLE says (src/env.ts): "all" (default)
// serves HTTP + sockets + SMTP and runs the job queue's workers; "web" the
// same without workers (it only enqueues); "worker" only the workers
// (./worker.ts). Returns a handle that stops it cleanly.
import http from "node:http";
import path from "node:path";
import next from "next";
import { resetEnvCache, type Env } from "@/env";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from "@/server/db/embedded";
import { deployMigrations } from "@/server/db/migrator";
import { disconnectDb, getDb } from "@/server/db";
import { apiRequestListener, isLeanPath } from "@/server/http/app";
import { attachRealtime } from "@/server/realtime/server";
import { rejectIfOverLimit } from "@/server/security/abuse";
import { clientIp } from "@/server/security/client-ip";
import { bodyLimitRules, rejectIfBodyTooLarge } from "@/server/security/body-limits";
import { loadInstanceSecrets } from "@/server/security/instance-secrets";
import { namedSecret } from "@/server/security/secrets";
import { healthReport } from "./health";
import { startBackgroundServices } from "./services";
import { timeNextRequest } from "@/server/observability/metrics";
import { warmEmotion } from "@/server/emotion";

export type RunningApp = { url: string; port: number; stop: () => Promise<void> };

const DEMO_LOGINS = [
  ["admin", "admin@throughline.test"],
  ["supervisor", "supervisor@throughline.test"],
  ["agent", "agent@throughline.test"],
] as const;

export async function startApp(config: Env, opts: { dev?: boolean; quiet?: boolean } = {}): Promise<RunningApp> {
  if (config.ROLE === "worker") {
    const { startWorker } = await import("./worker");
    const worker = await startWorker(config, opts);
    return { url: "", port: 0, stop: worker.stop };
  }
  const log = (line: string) => {
    if (!opts.quiet) console.log(line);
  };
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  // next-auth builds its callback URLs from NEXTAUTH_URL; without one, trust the
  // Host header (self-hosted: the console is reached directly or via our proxy).
  if (config.PUBLIC_URL && !process.env.NEXTAUTH_URL) process.env.NEXTAUTH_URL = config.PUBLIC_URL;
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";

  // 1. Database.
  let embedded: EmbeddedDatabase | undefined;
  if (!config.DATABASE_URL) {
    const t = Date.now();
    embedded = await startEmbeddedPostgres({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT });
    await ensureDatabase(embedded, "throughline");
    process.env.DATABASE_URL = embedded.url("throughline");
    log(`• embedded PostgreSQL on 127.0.0.1:${embedded.port} (${path.resolve(config.EMBEDDED_PG_DIR)}) in ${Date.now() - t} ms`);
  } else {
    log(`• PostgreSQL from DATABASE_URL (${redact(config.DATABASE_URL)})`);
  }
  const databaseUrl = process.env.DATABASE_URL!;

  try {
    // 2. Migrations.
    const applied = await deployMigrations(databaseUrl);
    log(applied.length ? `• migrations applied: ${applied.join(", ")}` : "• database schema up to date");

    // The sentiment model is built now, not on the first customer message.
    const warmStart = Date.now();
    warmEmotion();
    log(`• sentiment model ready in ${Date.now() - warmStart} ms`);

    // 3. Signing keys and generated secrets (never a published default).
    const secrets = await loadInstanceSecrets(getDb());
    resetEnvCache();
    log(
      secrets.rootSource === "environment"
        ? "• signing keys derived from NEXTAUTH_SECRET"
        : secrets.generated.includes("root")
          ? "• signing keys: generated a random root on first start, stored in the database (set NEXTAUTH_SECRET to supply your own)"
          : "• signing keys: this instance's generated root (from the database)",
    );
    // Earlier versions registered the published demo API key; it opens nothing now.
    const retired = await revokePublishedApiKeys();
    if (retired) log(`• revoked ${retired} API key${retired === 1 ? "" : "s"} made from a published demo value`);
    const shown = secrets.generated.filter((n) => n !== "root");
    if (shown.length) log(`• generated on first start (unset in the environment): ${shown.join(", ")}`);

    // 4. Demo data on an empty database.
    const users = await getDb().user.count();
    let seeded = false;
    if (users === 0 && config.SEED) {
      const t = Date.now();
      const { seedDemo, SeedNotEmptyError } = await import("@/server/seed/demo");
      try {
        const result = await seedDemo(getDb(), { log: opts.quiet ? undefined : (s: string) => log(`  ${s}`) });
        seeded = true;
        log(`• demo data seeded: ${result.customers} customers, ${result.events} timeline events in ${Date.now() - t} ms`);
      } catch (error) {
        // Another process started on the same empty database and seeded it first.
        if (!(error instanceof SeedNotEmptyError)) throw error;
        log("• demo data already seeded by another process");
      }
    } else if (users === 0) {
      log("• empty database and SEED=false: open the app to create the first admin");
    }
    if (config.SEED) {
      const demoKey = namedSecret("DEMO_API_KEY");
      const created = await ensureDemoApiKey(demoKey);
      // Shown once, when this instance made it: it is the demo's full-access key.
      if (created && secrets.generated.includes("DEMO_API_KEY")) log(`• demo API key (full access, shown once): ${demoKey}`);
    }

    // 5. Next.js + socket.io on one HTTP server.
    const port = config.PORT;
    const nextApp = next({ dev: Boolean(opts.dev), dir: process.cwd(), hostname: "localhost", port });
    const handle = nextApp.getRequestHandler();
    await nextApp.prepare();

    const bodyLimits = bodyLimitRules(config.EMAIL_MAX_BYTES);
    // The lean HTTP layer: the API, webhooks, widget HTTP, attachments and
    // metrics, answered here without Next's router (pages, next-auth and tRPC
    // stay with Next).
    const api = apiRequestListener();
    const server = http.createServer((req, res) => {
      if (req.url === "/api/health" || req.url?.startsWith("/api/health?")) {
        void healthReport().then((report) => {
          res.writeHead(report.status === "down" ? 503 : 200, { "content-type": "application/json", "cache-control": "no-store" });
          res.end(JSON.stringify(report));
        });
        return;
      }
      if (rejectIfBodyTooLarge(req, res, bodyLimits)) return;
      // The client's address as the per-IP limits see it (recorded on console sessions); never the caller's own claim.
      req.headers["x-throughline-client-ip"] = clientIp(req, config.TRUST_PROXY);
      if (isLeanPath(req.url)) {
        void rejectIfOverLimit(req, res).then((limited) => {
          if (!limited) void api(req, res);
        });
        return;
      }
      // Pages, next-auth and tRPC are timed here (the lean layer times its own routes).
      timeNextRequest(req, res);
      // Lets server components send a signed-out agent back where they were after login.
      req.headers["x-throughline-path"] = req.url ?? "/";
      void rejectIfOverLimit(req, res).then((limited) => {
        if (!limited) void handle(req, res);
      });
    });
    // Keep-alive sockets must not hold shutdown hostage.
    server.keepAliveTimeout = 5_000;
    const { loadServices } = await import("./service-list");
    const backgroundServices = await loadServices();
    const realtime = await attachRealtime(server, config);
    // ROLE=web: the job runner only enqueues (no workers, no periodic tasks); ROLE=all runs them here too.
    const services = await startBackgroundServices(backgroundServices, config, { log });

    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, config.HOST, () => resolve());
    });
    const url = (config.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, "");
    log(`\nThroughline is running at ${url}`);
    if (seeded || (users > 0 && config.SEED)) {
      log("Demo logins (password: throughline):");
      for (const [role, email] of DEMO_LOGINS) log(`  ${role.padEnd(11)} ${email}`);
    }

    let stopped = false;
    return {
      url,
      port,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        // Stop accepting, then drain: sockets told to reconnect elsewhere, workers finish.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections?.();
        await realtime.close();
        await services.stop();
        server.closeAllConnections?.();
        await closed;
        await disconnectDb();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await disconnectDb().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

async function revokePublishedApiKeys(): Promise<number> {
  const { hashApiKey } = await import("@/server/api-keys/hash");
  const { PUBLIC_SECRET_VALUES } = await import("@/server/security/secrets");
  const { count } = await getDb().apiKey.updateMany({ where: { keyHash: { in: [...PUBLIC_SECRET_VALUES].map(hashApiKey) }, revokedAt: null }, data: { revokedAt: new Date() } });
  return count;
}

// Demo mode: DEMO_API_KEY works even when it changed after the database was seeded.
async function ensureDemoApiKey(key: string): Promise<boolean> {
  const { hashApiKey } = await import("@/server/api-keys/hash");
  const keyHash = hashApiKey(key);
  const existing = await getDb().apiKey.findUnique({ where: { keyHash } });
  if (existing) return false;
  await getDb().apiKey.create({ data: { name: "Demo API key (DEMO_API_KEY)", prefix: key.slice(0, 10), keyHash, scopes: ["*"] } });
  return true;
}

function redact(url: string) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "invalid URL";
  }
}
