// Helpers for the /api/widget route handlers: they are called cross-origin
// from any website that embeds the widget, carry no cookies, and authenticate
// visitors (where needed) with "Authorization: Bearer <visitorId>.<token>".
export const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type",
  "access-control-max-age": "86400",
  "x-content-type-options": "nosniff",
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...CORS_HEADERS, ...headers },
  });
}

export function problem(status: number, error: string, message: string) {
  return json({ error, message }, status);
}

export function preflight() {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}
