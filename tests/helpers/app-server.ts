// Starts the real app (server.ts: Next.js + socket.io + SMTP) as a child
// process against a test database, on free ports, and stops it afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../../src/server/db/embedded.ts";

export const TEST_SECRETS = {
  NEXTAUTH_SECRET: "test-nextauth-secret-0123456789",
  DEMO_INBOX_TOKEN: "test-inbox-token-0123",
  DEMO_API_KEY: "tl_test_api_key_0123456789",
  WIDGET_IDENTITY_SECRET: "test-widget-identity-secret",
  META_APP_SECRET: "test-meta-app-secret",
  META_VERIFY_TOKEN: "test-meta-verify-token",
  META_PAGE_TOKEN: "test-meta-page-token",
  INSTAGRAM_TOKEN: "test-instagram-token",
  WHATSAPP_TOKEN: "test-whatsapp-token",
  TELEGRAM_WEBHOOK_SECRET: "test-telegram-secret",
  TELEGRAM_BOT_TOKEN: "100000001:test-telegram-bot-token",
  X_CONSUMER_SECRET: "test-x-consumer-secret",
  X_ACCESS_TOKEN: "test-x-access-token",
};

export type AppServer = { url: string; port: number; smtpPort: number; logs: () => string; stop: (signal?: NodeJS.Signals) => Promise<number | null>; child: ChildProcess };

export async function startAppServer(opts: { databaseUrl: string; env?: Record<string, string>; seed?: boolean; nodeArgs?: string[] }): Promise<AppServer> {
  const port = await freePort();
  const smtpPort = await freePort();
  let output = "";
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", "server.ts"], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
      ...TEST_SECRETS,
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      SMTP_PORT: String(smtpPort),
      SMTP_HOST: "127.0.0.1",
      SEED: opts.seed === false ? "false" : "true",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d.toString()));
  child.stderr!.on("data", (d) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app server exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`app server did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    smtpPort,
    child,
    logs: () => output,
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Signs in through next-auth's real credentials flow; returns the Cookie header. */
/** headers: extra request headers, e.g. X-Forwarded-For to sign in "from" an address behind TRUST_PROXY. */
export async function signIn(baseUrl: string, email: string, password = "throughline", headers: Record<string, string> = {}): Promise<{ ok: boolean; cookie: string; error?: string }> {
  const jar = new Map<string, string>();
  const absorb = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`, { headers });
  absorb(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  absorb(res);
  const cookie = header();
  // With json=true next-auth answers {url}; otherwise it redirects.
  let location = res.headers.get("location") ?? "";
  if (!location && res.headers.get("content-type")?.includes("json")) location = ((await res.json()) as { url?: string }).url ?? "";
  const error = location ? (new URL(location, baseUrl).searchParams.get("error") ?? undefined) : undefined;
  return { ok: cookie.includes("next-auth.session-token") && !error, cookie, error };
}

/** Resolves once a socket.io client is connected; rejects with the server's refusal (connect_error). */
export function connected(socket: { once(event: "connect", fn: () => void): unknown; once(event: "connect_error", fn: (error: Error) => void): unknown }): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
}
