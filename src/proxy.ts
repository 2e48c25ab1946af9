// Next's proxy (formerly middleware): a fresh nonce and a strict Content
// Security Policy for every page. Next reads the nonce back from the request's
// CSP header while rendering and stamps it on its own scripts; with
// 'strict-dynamic' those may load the rest of the bundle, and nothing else
// runs: no inline script without the nonce, no script from another origin.
// Pages must render per request for this (the root layout awaits connection()).
// API routes (the lean HTTP layer, src/server/http/app.ts, sets their headers),
// static files and the embeddable widget script are not matched.
import { NextResponse, type NextRequest } from "next/server";

// A Host header is only trusted as a CSP source when it looks like one (a
// hostile value must not add directives).
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

export function contentSecurityPolicy(nonce: string, host: string | null, dev = false, opts: { httpsImages?: boolean } = {}): string {
  // socket.io connects back to this host; 'self' covers ws:/wss: on current
  // browsers, the explicit entries cover older ones.
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'self'",
    // React's development build needs eval for its error overlays; production never.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React style attributes (style={{…}}) need 'unsafe-inline' (a nonce would disable it).
    "style-src 'self' 'unsafe-inline'",
    // No remote images in the console: email images load only through
    // /api/image-proxy. The public help center shows the https images its
    // admins put in articles (no agent's mail is read there).
    `img-src 'self' data: blob:${opts.httpsImages ? " https:" : ""}`,
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    // The console's service worker (public/sw.js); with 'strict-dynamic' above, 'self' there does not cover it.
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const helpCenter = request.nextUrl.pathname === "/help" || request.nextUrl.pathname.startsWith("/help/");
  const policy = contentSecurityPolicy(nonce, request.headers.get("host"), process.env.NODE_ENV === "development", { httpsImages: helpCenter });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Every document gets the policy (prefetches too: a header a client
      // chooses must not be a way around it); only the embeddable script is left out.
      source: "/((?!api/|api$|_next/static|_next/image|favicon.ico|widget\\.js).*)",
    },
  ],
};
