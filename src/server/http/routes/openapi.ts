// The REST API's reference, public: integrators read it before they have a key.
//   GET /api/v1/openapi.json → the OpenAPI 3.1 document (src/server/http/openapi/),
//       cacheable (ETag, 5 minutes), readable from any origin (no credentials).
//   GET /api/docs/reference.js → the renderer the console's reference page
//       (Settings → API keys → API reference) loads: Scalar's standalone
//       browser bundle, served from our own origin (the console's CSP allows
//       no other, and the deployment may be offline). Gzipped when accepted.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { JsonResponse } from "../json-response";
import { openApiDocument } from "../openapi/document";

let documentTag: string | undefined;

function notModified(req: Request, etag: string, headers: Record<string, string>): Response | null {
  const given = req.headers.get("if-none-match");
  if (!given || !given.split(",").some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) return null;
  return new Response(null, { status: 304, headers: { etag, ...headers } });
}

export function getOpenApiDocument(req: Request): Response {
  const { text } = openApiDocument();
  documentTag ??= `"${createHash("sha256").update(text).digest("base64url").slice(0, 22)}"`;
  const headers = { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" };
  return notModified(req, documentTag, headers) ?? new JsonResponse(text, { status: 200, headers: { "content-type": "application/json", etag: documentTag, ...headers } });
}

// ---- the renderer ----------------------------------------------------------------------------

type Bundle = { etag: string; plain: Uint8Array<ArrayBuffer>; gzipped: Uint8Array<ArrayBuffer> };
let bundle: Promise<Bundle> | undefined;

async function loadBundle(): Promise<Bundle> {
  // The package exports no path to its browser build: find it beside its entry.
  const entry = createRequire(import.meta.url).resolve("@scalar/api-reference");
  const dist = path.dirname(entry);
  const [plain, pkg] = await Promise.all([fs.readFile(path.join(dist, "browser/standalone.js")), fs.readFile(path.join(dist, "../package.json"), "utf8")]);
  const version = (JSON.parse(pkg) as { version: string }).version;
  return { etag: `"scalar-${version}"`, plain: new Uint8Array(plain), gzipped: new Uint8Array(await promisify(gzip)(plain)) };
}

export async function getApiReferenceScript(req: Request): Promise<Response> {
  bundle ??= loadBundle().catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  const { etag, plain, gzipped } = await bundle;
  const headers = { "cache-control": "public, max-age=86400", vary: "accept-encoding" };
  const unchanged = notModified(req, etag, headers);
  if (unchanged) return unchanged;
  const gz = /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "");
  const body = gz ? gzipped : plain;
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/javascript; charset=utf-8", "content-length": String(body.byteLength), etag, ...(gz ? { "content-encoding": "gzip" } : {}), ...headers },
  });
}
