// Helpers for the /api/widget routes (src/server/http/routes/widget.ts): they are called cross-origin
// from the websites that embed the widget, carry no cookies, and authenticate
// visitors (where needed) with "Authorization: Bearer <visitorId>.<token>".
//
// CORS follows the inbox's allowed origins: an inbox with none answers any
// origin ("*", the open default); otherwise only a listed origin gets
// Access-Control-Allow-Origin (its own value), and a request from another
// origin is refused with 403 origin_not_allowed before anything is read or
// recorded. A request without an Origin header is no cross-origin browser call
// (an <img> loading an attachment, a server): it is served, as a non-browser
// client could claim any Origin anyway.
import { findWidgetInbox, normalizeOrigin, originAllowed, type WidgetInbox } from "./config";

const BASE_HEADERS: Record<string, string> = {
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type",
  "access-control-max-age": "86400",
  "x-content-type-options": "nosniff",
};
const OPEN: Record<string, string> = { ...BASE_HEADERS, "access-control-allow-origin": "*" };

/** The CORS headers of an answer to `req` about `inbox` (null: no inbox involved → open). */
export function corsHeaders(req: Request, inbox: WidgetInbox | null): Record<string, string> {
  if (!inbox || inbox.settings.allowedOrigins.length === 0) return OPEN;
  const origin = req.headers.get("origin");
  const allowed = origin && originAllowed(inbox, origin) ? normalizeOrigin(origin) : null;
  return { ...BASE_HEADERS, vary: "Origin", ...(allowed ? { "access-control-allow-origin": allowed } : {}) };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}, cors = OPEN) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...cors, ...headers },
  });
}

export function problem(status: number, error: string, message: string, cors = OPEN) {
  return json({ error, message }, status, {}, cors);
}

/** 403 when the calling page's origin may not embed this inbox's widget; null when it may. */
export function refuseOrigin(req: Request, inbox: WidgetInbox): Response | null {
  const origin = req.headers.get("origin");
  if (origin === null || originAllowed(inbox, origin)) return null;
  return json({ error: { code: "origin_not_allowed", message: "This chat is not available on this website." } }, 403, {}, corsHeaders(req, inbox));
}

/** CORS preflight; with ?inbox= it answers for that inbox's allowed origins. */
export async function preflight(req: Request) {
  const publicId = new URL(req.url).searchParams.get("inbox");
  const inbox = publicId ? await findWidgetInbox(publicId) : null;
  const refused = inbox && refuseOrigin(req, inbox);
  return refused || new Response(null, { status: 204, headers: corsHeaders(req, inbox) });
}
