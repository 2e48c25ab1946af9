// Request body limits at the edge of the custom server, before Next or a route
// reads a byte: each path gets the largest body it can legitimately need, and
// a declared Content-Length over it is answered 413 at once. A body without a
// Content-Length (chunked) could not be bounded before it is read, so it is
// refused with 411; browsers, platforms and our clients always send one.
// socket.io enforces its own limit (maxHttpBufferSize).
import type http from "node:http";

const KB = 1024;
const MB = 1024 * KB;

export type BodyLimitRule = { prefix: string; maxBytes: number };

export function bodyLimitRules(emailMaxBytes: number): BodyLimitRule[] {
  return [
    // The raw message plus MIME overhead.
    { prefix: "/api/inbound/email", maxBytes: emailMaxBytes + 64 * KB },
    // Console replies carry up to 10 MB of attachments, base64 in JSON.
    { prefix: "/api/trpc/", maxBytes: 16 * MB },
    { prefix: "/api/v1/", maxBytes: 1 * MB },
    { prefix: "/api/webhooks/", maxBytes: 4 * MB },
    { prefix: "/api/widget/", maxBytes: 64 * KB },
    { prefix: "/api/surveys/", maxBytes: 64 * KB },
    { prefix: "/api/auth/", maxBytes: 64 * KB },
    // Pages and server actions (settings forms).
    { prefix: "/", maxBytes: 1 * MB },
  ];
}

export function bodyLimitFor(url: string, rules: BodyLimitRule[]): number | null {
  if (url.startsWith("/socket.io")) return null;
  return rules.find((r) => url.startsWith(r.prefix))?.maxBytes ?? null;
}

/** Answers 413/411 and returns true when the request's body may not be read. */
export function rejectIfBodyTooLarge(req: http.IncomingMessage, res: http.ServerResponse, rules: BodyLimitRule[]): boolean {
  const limit = bodyLimitFor(req.url ?? "/", rules);
  if (limit === null) return false;
  const declared = req.headers["content-length"];
  const chunked = !declared && /chunked/i.test(String(req.headers["transfer-encoding"] ?? ""));
  const length = declared === undefined ? 0 : Number(declared);
  if (chunked) return refuse(res, 411, "length_required", "Send the request body with a Content-Length header.");
  if (!Number.isFinite(length) || length < 0) return refuse(res, 400, "invalid_request", "Content-Length is not a number.");
  if (length > limit) return refuse(res, 413, "payload_too_large", `Request body is larger than ${limit} bytes.`);
  return false;
}

function refuse(res: http.ServerResponse, status: number, code: string, message: string): true {
  // Close the connection: the client may still be sending the body we refuse to read.
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", connection: "close" });
  res.end(JSON.stringify({ error: { code, message } }));
  return true;
}
