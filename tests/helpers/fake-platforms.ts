// A local stand-in for the social platforms' send APIs (Meta Graph Send API,
// WhatsApp Cloud API, Telegram Bot API, X API v2) on one node:http server.
// It records every request and answers like the platform: success by
// default, or whatever a test scripted next (a rate limit, then success; a
// permanent error...). Point the app at it with the env vars in `env`.
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Platform = "meta" | "whatsapp" | "telegram" | "x";

export type RecordedRequest = {
  platform: Platform;
  method: string;
  /** Path below the platform's base URL, without the query ("/me/messages", "/bot123:abc/sendMessage"). */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** The JSON body (null when not JSON). */
  body: unknown;
};

export type FakeReply = { status: number; body: unknown; headers?: Record<string, string> };
export type Scripted = FakeReply | "success" | "rate_limited" | "permanent" | "server_error";

export type FakePlatforms = {
  url: string;
  /** META_GRAPH_URL, WHATSAPP_GRAPH_URL, TELEGRAM_API_URL, X_API_URL for this server. */
  env: { META_GRAPH_URL: string; WHATSAPP_GRAPH_URL: string; TELEGRAM_API_URL: string; X_API_URL: string };
  requests: RecordedRequest[];
  requestsFor(platform: Platform): RecordedRequest[];
  /** Queues the next answers for a platform (then back to success). */
  script(platform: Platform, ...replies: Scripted[]): void;
  /** The success answer a platform would give (exposed for assertions). */
  lastSuccess(platform: Platform): unknown;
  reset(): void;
  close(): Promise<void>;
};

const PREFIX: Record<Platform, string> = { meta: "/meta/v21.0", whatsapp: "/whatsapp/v21.0", telegram: "/telegram", x: "/x" };

let counter = 0;

function success(platform: Platform, req: RecordedRequest): FakeReply {
  const n = ++counter;
  const body = (req.body ?? {}) as Record<string, unknown>;
  switch (platform) {
    case "meta":
      return { status: 200, body: { recipient_id: (body.recipient as { id?: string } | undefined)?.id ?? "0", message_id: `m_fake_${n}_${Date.now()}` } };
    case "whatsapp":
      return { status: 200, body: { messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.FAKE${n}${Date.now()}=` }] } };
    case "telegram":
      return {
        status: 200,
        body: { ok: true, result: { message_id: 9000 + n, from: { id: 123456789, is_bot: true, first_name: "Throughline" }, chat: { id: body.chat_id, type: "private" }, date: Math.floor(Date.now() / 1000), text: body.text } },
      };
    case "x":
      return { status: 201, body: { data: { dm_conversation_id: `1000000000000000001-${req.path.split("/")[4] ?? "0"}`, dm_event_id: `18750000${String(n).padStart(11, "0")}` } } };
  }
}

function rateLimited(platform: Platform): FakeReply {
  switch (platform) {
    case "meta":
      return { status: 400, body: { error: { message: "(#613) Calls to this api have exceeded the rate limit.", type: "OAuthException", code: 613, fbtrace_id: "AbCdEf" } } };
    case "whatsapp":
      return { status: 429, body: { error: { message: "(#130429) Rate limit hit", type: "OAuthException", code: 130429, error_data: { messaging_product: "whatsapp", details: "Cloud API message throughput has been reached." }, fbtrace_id: "AbCdEf" } } };
    case "telegram":
      return { status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 30", parameters: { retry_after: 30 } } };
    case "x":
      return { status: 429, body: { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 }, headers: { "x-rate-limit-reset": String(Math.floor(Date.now() / 1000) + 30) } };
  }
}

function permanent(platform: Platform): FakeReply {
  switch (platform) {
    case "meta":
      return { status: 400, body: { error: { message: "(#551) This person isn't available right now.", type: "OAuthException", code: 551, error_subcode: 1545041, fbtrace_id: "AbCdEf" } } };
    case "whatsapp":
      return {
        status: 400,
        body: { error: { message: "(#131047) Re-engagement message", type: "OAuthException", code: 131047, error_data: { messaging_product: "whatsapp", details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." }, fbtrace_id: "AbCdEf" } },
      };
    case "telegram":
      return { status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } };
    case "x":
      return { status: 403, body: { detail: "You are not permitted to send messages to this user.", title: "Forbidden", type: "about:blank", status: 403 } };
  }
}

export async function startFakePlatforms(): Promise<FakePlatforms> {
  const requests: RecordedRequest[] = [];
  const queues = new Map<Platform, Scripted[]>();
  const successes = new Map<Platform, unknown>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const platform = (Object.keys(PREFIX) as Platform[]).find((p) => url.pathname.startsWith(`${PREFIX[p]}/`));
      if (!platform) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "no such fake platform" }));
        return;
      }
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      try {
        body = rawBody ? JSON.parse(rawBody) : null;
      } catch {
        body = null;
      }
      const recorded: RecordedRequest = {
        platform,
        method: req.method ?? "GET",
        path: url.pathname.slice(PREFIX[platform].length),
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        rawBody,
        body,
      };
      requests.push(recorded);
      const next = queues.get(platform)?.shift() ?? "success";
      const reply: FakeReply =
        next === "success"
          ? success(platform, recorded)
          : next === "rate_limited"
            ? rateLimited(platform)
            : next === "permanent"
              ? permanent(platform)
              : next === "server_error"
                ? { status: 500, body: { error: { message: "An unexpected error has occurred. Please retry your request later.", type: "OAuthException", is_transient: true, code: 2 } } }
                : next;
      if (reply.status < 300) successes.set(platform, reply.body);
      res.writeHead(reply.status, { "content-type": "application/json", ...(reply.headers ?? {}) }).end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    env: {
      META_GRAPH_URL: `${url}${PREFIX.meta}`,
      WHATSAPP_GRAPH_URL: `${url}${PREFIX.whatsapp}`,
      TELEGRAM_API_URL: `${url}${PREFIX.telegram}`,
      X_API_URL: `${url}${PREFIX.x}`,
    },
    requests,
    requestsFor: (platform) => requests.filter((r) => r.platform === platform),
    script: (platform, ...replies) => {
      queues.set(platform, [...(queues.get(platform) ?? []), ...replies]);
    },
    lastSuccess: (platform) => successes.get(platform),
    reset: () => {
      requests.length = 0;
      queues.clear();
      successes.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------- the platforms' side of webhooks


export type WebhookRequestOptions = { url?: string; signature?: string | null; headers?: Record<string, string> };

function bodyText(body: unknown): string {
  return typeof body === "string" ? body : JSON.stringify(body);
}

/** A POST as Meta sends it (Messenger, Instagram, WhatsApp): X-Hub-Signature-256 over the exact bytes. */
export function metaWebhookRequest(body: unknown, appSecret: string, opts: WebhookRequestOptions & { endpoint?: "meta" | "whatsapp" } = {}): Request {
  const raw = bodyText(body);
  const signature = opts.signature === undefined ? `sha256=${createHmac("sha256", appSecret).update(raw, "utf8").digest("hex")}` : opts.signature;
  return new Request(opts.url ?? `http://localhost:3000/api/webhooks/${opts.endpoint ?? "meta"}`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "facebookexternalua", ...(signature !== null ? { "x-hub-signature-256": signature } : {}), ...(opts.headers ?? {}) },
    body: raw,
  });
}

/** A POST as X's Account Activity API sends it: x-twitter-webhooks-signature (base64). */
export function xWebhookRequest(body: unknown, consumerSecret: string, opts: WebhookRequestOptions = {}): Request {
  const raw = bodyText(body);
  const signature = opts.signature === undefined ? `sha256=${createHmac("sha256", consumerSecret).update(raw, "utf8").digest("base64")}` : opts.signature;
  return new Request(opts.url ?? "http://localhost:3000/api/webhooks/x", {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature !== null ? { "x-twitter-webhooks-signature": signature } : {}), ...(opts.headers ?? {}) },
    body: raw,
  });
}

/** A POST as Telegram sends it: the setWebhook secret_token in X-Telegram-Bot-Api-Secret-Token. */
export function telegramWebhookRequest(update: unknown, secret: string | null, opts: WebhookRequestOptions = {}): Request {
  return new Request(opts.url ?? "http://localhost:3000/api/webhooks/telegram", {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret !== null ? { "x-telegram-bot-api-secret-token": secret } : {}), ...(opts.headers ?? {}) },
    body: bodyText(update),
  });
}

// ---------------------------------------------------------------- test configuration

/** Secrets and tokens for tests (every required variable of src/env.ts, valid). */
export const SOCIAL_TEST_ENV = {
  NEXTAUTH_SECRET: "test-nextauth-secret-0123456789",
  DEMO_INBOX_TOKEN: "test-demo-inbox-token",
  DEMO_API_KEY: "test-demo-api-key-0123",
  WIDGET_IDENTITY_SECRET: "test-widget-identity-secret",
  META_APP_SECRET: "test-meta-app-secret-abc",
  META_VERIFY_TOKEN: "test-meta-verify-token",
  TELEGRAM_WEBHOOK_SECRET: "test-telegram-webhook-secret",
  X_CONSUMER_SECRET: "test-x-consumer-secret-xyz",
  META_PAGE_TOKEN: "EAAGtestPageToken123",
  INSTAGRAM_TOKEN: "IGQtestInstagramToken456",
  WHATSAPP_TOKEN: "EAAGtestWhatsAppToken789",
  TELEGRAM_BOT_TOKEN: "123456789:AAHtestTelegramBotToken",
  X_ACCESS_TOKEN: "x-test-access-token-000",
} as const;

/** The contract's seeded social inboxes (publicIds as in CONTRACTS.md), ready for db.inbox.createMany. */
export const SOCIAL_INBOX_SEED = [
  { name: "Messenger", channel: "messenger", publicId: "100000000000001", secretEnv: { token: "META_PAGE_TOKEN" } },
  { name: "Instagram", channel: "instagram", publicId: "17841400000000001", secretEnv: { token: "INSTAGRAM_TOKEN" } },
  { name: "WhatsApp", channel: "whatsapp", publicId: "100000000000002", secretEnv: { token: "WHATSAPP_TOKEN" } },
  { name: "Telegram", channel: "telegram", publicId: "123456789", secretEnv: { token: "TELEGRAM_BOT_TOKEN" } },
  { name: "X", channel: "x", publicId: "1000000000000000001", secretEnv: { token: "X_ACCESS_TOKEN" } },
] as const;
