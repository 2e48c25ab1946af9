// The lean HTTP layer: every /api/* route that is not a page, next-auth
// (/api/auth/*) or tRPC (/api/trpc/*) is answered here, ahead of Next (see
// src/server/app/start.ts, which applies the body and rate limits first).
// Hono routes on Web Request/Response, which the handlers already speak.
//
// ROUTES is the one table of what this layer serves: the app registers
// exactly these, and tests/integration/promises/authz-rest.test.ts requires a guard
// decision for each (method, path).
import type { ServerResponse } from "node:http";
import { getRequestListener, type Http2Bindings, type HttpBindings } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { routePath } from "hono/route";
import { observeHttpRequest } from "@/server/observability/metrics";
import { leanRouteLabel } from "@/server/observability/labels";
import { jsonResponse, writeJsonResponse } from "./json-response";
import type { RouteContext } from "./route-context";
import { getAttachment } from "./routes/attachments";
import { getProxiedImage } from "./routes/images";
import { postInboundEmail } from "./routes/inbound";
import { exportMetrics } from "./routes/metrics";
import { getApiReferenceScript, getOpenApiDocument } from "./routes/openapi";
import { getPrometheusMetrics } from "./routes/prometheus";
import { getSurvey, postSurveyAnswer } from "./routes/surveys";
import { getCustomer, getTimeline, listCustomers, postEvents, postIdentify } from "./routes/v1";
import { getConversationFieldValues, patchConversationFieldValues } from "./routes/v1-fields";
import { meta, telegram, whatsapp, x } from "./routes/webhooks";
import { getConfig, getWidgetArticle, getWidgetAttachment, postArticleView, preflight, searchWidgetArticles } from "./routes/widget";

type Method = "GET" | "POST" | "PATCH" | "OPTIONS";
type Handler = (req: Request, ctx: RouteContext<string>) => Response | Promise<Response>;
export type LeanRoute = { method: Method; path: string; handler: Handler };

function route<K extends string>(method: Method, path: string, handler: (req: Request, ctx: RouteContext<K>) => Response | Promise<Response>): LeanRoute {
  return { method, path, handler: handler as Handler };
}

export const ROUTES: readonly LeanRoute[] = [
  route("GET", "/api/attachments/:id", getAttachment),
  route("GET", "/api/docs/reference.js", getApiReferenceScript),
  route("GET", "/api/image-proxy", getProxiedImage),
  route("POST", "/api/inbound/email", postInboundEmail),
  route("GET", "/api/metrics/export", exportMetrics),
  route("GET", "/api/surveys/:token", getSurvey),
  route("POST", "/api/surveys/:token", postSurveyAnswer),
  route("GET", "/api/v1/conversations/:id/fields", getConversationFieldValues),
  route("PATCH", "/api/v1/conversations/:id/fields", patchConversationFieldValues),
  route("GET", "/api/v1/customers", listCustomers),
  route("GET", "/api/v1/customers/:id", getCustomer),
  route("GET", "/api/v1/customers/:id/timeline", getTimeline),
  route("POST", "/api/v1/events", postEvents),
  route("POST", "/api/v1/identify", postIdentify),
  route("GET", "/api/v1/openapi.json", getOpenApiDocument),
  route("GET", "/api/webhooks/meta", meta.GET),
  route("POST", "/api/webhooks/meta", meta.POST),
  route("POST", "/api/webhooks/telegram", telegram.POST),
  route("GET", "/api/webhooks/whatsapp", whatsapp.GET),
  route("POST", "/api/webhooks/whatsapp", whatsapp.POST),
  route("GET", "/api/webhooks/x", x.GET),
  route("POST", "/api/webhooks/x", x.POST),
  route("GET", "/api/widget/articles", searchWidgetArticles),
  route("OPTIONS", "/api/widget/articles", preflight),
  route("GET", "/api/widget/articles/:id", getWidgetArticle),
  route("OPTIONS", "/api/widget/articles/:id", preflight),
  route("POST", "/api/widget/articles/:id/view", postArticleView),
  route("OPTIONS", "/api/widget/articles/:id/view", preflight),
  route("GET", "/api/widget/attachments/:id", getWidgetAttachment),
  route("GET", "/api/widget/config", getConfig),
  route("OPTIONS", "/api/widget/config", preflight),
  route("GET", "/metrics", getPrometheusMetrics),
];

/** "GET /api/v1/customers/[id]": the table in the notation of Next's route folders. */
export function routeKeys(): string[] {
  return ROUTES.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "[$1]")}`);
}

/** Does this request path belong to the lean layer (rather than Next)? */
export function isLeanPath(url: string | undefined): boolean {
  const path = (url ?? "/").split("?", 1)[0]!;
  if (path === "/metrics") return true;
  if (path !== "/api" && !path.startsWith("/api/")) return false;
  return !/^\/api\/(auth|trpc)(\/|$)/.test(path);
}

// ---- headers (next.config.mjs applied these while Next served the routes) -------------------

// API answers are data, not documents: nothing may run or load. The widget's
// endpoints, attachments and the image proxy set their own policies.
export const API_CSP = ["default-src 'none'", "style-src 'unsafe-inline'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join("; ");
const API_HEADERS: [string, string][] = [
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "strict-origin-when-cross-origin"],
  ["X-Frame-Options", "DENY"],
  ["Content-Security-Policy", API_CSP],
];
const OWN_POLICY = /^\/api\/(widget\/|attachments\/|image-proxy)/;

function withApiHeaders(c: Context) {
  if (OWN_POLICY.test(c.req.path)) return;
  // A handler's own value wins (as it did over next.config.mjs's).
  const missing = API_HEADERS.filter(([k]) => !c.res.headers.has(k));
  if (!missing.length) return;
  try {
    for (const [k, v] of missing) c.res.headers.set(k, v);
  } catch {
    // Immutable headers (e.g. Response.redirect): copy the answer.
    const headers = new Headers(c.res.headers);
    for (const [k, v] of missing) headers.set(k, v);
    c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers });
  }
}

// ---- the app ------------------------------------------------------------------------------------

function restError(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return jsonResponse({ error: { code, message } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

/**
 * The node:http listener for the layer: JSON answers are written to the socket
 * from their text (see json-response.ts); anything else (files, images,
 * redirects) goes through @hono/node-server's own writer. Global Request and
 * Response stay Node's own: Next shares this process.
 */
export function apiRequestListener(app: Hono = buildApiApp()) {
  const written = new Response(null, { headers: { "x-hono-already-sent": "1" } });
  return getRequestListener(
    async (req, env: HttpBindings | Http2Bindings) => {
      const res = await app.fetch(req, env);
      // This server is HTTP/1.1 (start.ts): its outgoing side is a ServerResponse.
      return writeJsonResponse(res, req.method, env.outgoing as ServerResponse) ? written : res;
    },
    { overrideGlobalObjects: false },
  );
}

export function buildApiApp(): Hono {
  const app = new Hono();
  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    // Labelled by the matched route's pattern (the last match: a route or its 405 catch-all), never the raw URL.
    observeHttpRequest(c.req.method, leanRouteLabel(routePath(c, -1)), c.res.status, started);
  });
  app.use("*", async (c, next) => {
    await next();
    withApiHeaders(c);
  });
  const methods = new Map<string, Set<string>>();
  for (const r of ROUTES) {
    app.on(r.method, r.path, (c) => r.handler(c.req.raw, { params: Promise.resolve(c.req.param() as Record<string, string>) }));
    methods.set(r.path, (methods.get(r.path) ?? new Set()).add(r.method));
  }
  // A known path with a method it does not take: 405 naming the ones it does
  // (Next answered OPTIONS itself for routes without a preflight: 204 + Allow).
  for (const [path, set] of methods) {
    const allow = [...set, ...(set.has("GET") ? ["HEAD"] : []), ...(set.has("OPTIONS") ? [] : ["OPTIONS"])].sort().join(", ");
    app.all(path, (c) => (c.req.method === "OPTIONS" ? new Response(null, { status: 204, headers: { allow } }) : restError(405, "method_not_allowed", `${c.req.method} is not allowed here; use ${allow}.`, { allow })));
  }
  app.notFound(() => restError(404, "not_found", "No API route at this path."));
  app.onError((error) => {
    console.error(`[api] ${(error as Error)?.stack ?? String(error)}`);
    return restError(500, "internal_error", "Something went wrong on our side. Try again.");
  });
  return app;
}
