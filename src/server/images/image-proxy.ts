// The image proxy behind "Load images": fetches one remote email image on the
// server, so the sender's host sees our server (no cookies, no Referer, our
// User-Agent), never the agent's browser. Only URLs we signed, only raster
// images (an SVG is a document that can carry script), at most 5 MB, through
// the SSRF-guarded client so an email cannot point us at internal addresses.
import { guardedFetch, OutboundRefusedError } from "@/server/net/guarded-fetch";
import { isSignedImageUrl } from "./proxy-url";
import { remoteImageUrl } from "./remote-images";

export const IMAGE_PROXY_USER_AGENT = "Throughline-ImageProxy/1.0";
export const IMAGE_PROXY_MAX_BYTES = 5 * 1024 * 1024;
/** How long the agent's browser may keep a proxied image (it is private to that browser). */
export const IMAGE_PROXY_CACHE_SECONDS = 24 * 60 * 60;

const RASTER_TYPES: Record<string, string> = {
  "image/png": "image/png",
  "image/apng": "image/png",
  "image/jpeg": "image/jpeg",
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "image/gif": "image/gif",
  "image/webp": "image/webp",
  "image/avif": "image/avif",
  "image/bmp": "image/bmp",
  "image/x-icon": "image/x-icon",
  "image/vnd.microsoft.icon": "image/x-icon",
};

export type ProxyRefusal = "bad_request" | "bad_signature" | "refused" | "unreachable" | "upstream_status" | "not_an_image" | "too_large" | "timeout";
export type ProxiedImage = { ok: true; contentType: string; body: Buffer } | { ok: false; reason: ProxyRefusal; message: string };

const refuse = (reason: ProxyRefusal, message: string): ProxiedImage => ({ ok: false, reason, message });

export async function fetchProxiedImage(query: { url: string | null; sig: string | null }): Promise<ProxiedImage> {
  if (!query.url || !query.sig) return refuse("bad_request", "url and sig are required");
  if (!isSignedImageUrl(query.url, query.sig)) return refuse("bad_signature", "This image link is not signed by this server");
  // Signed URLs are always absolute http(s) already; checked again all the same.
  if (remoteImageUrl(query.url) !== query.url) return refuse("bad_request", "Not a remote image URL");
  let response;
  try {
    response = await guardedFetch(query.url, {
      method: "GET",
      headers: { "user-agent": IMAGE_PROXY_USER_AGENT, accept: "image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8" },
      timeoutMs: 10_000,
      maxBytes: IMAGE_PROXY_MAX_BYTES,
      maxRedirects: 3,
    });
  } catch (error) {
    if (!(error instanceof OutboundRefusedError)) return refuse("unreachable", "The image could not be fetched");
    if (error.reason === "too_large") return refuse("too_large", "The image is larger than 5 MB");
    if (error.reason === "timeout") return refuse("timeout", "The image host did not answer in time");
    if (error.reason === "dns_failed") return refuse("unreachable", "The image host is unknown");
    return refuse("refused", `The image address is not allowed (${error.reason})`);
  }
  if (response.status !== 200) return refuse("upstream_status", `The image host answered ${response.status}`);
  const declared = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const contentType = RASTER_TYPES[declared];
  if (!contentType) return refuse("not_an_image", `Not a raster image (${declared || "no content type"})`);
  if (response.body.length > IMAGE_PROXY_MAX_BYTES) return refuse("too_large", "The image is larger than 5 MB");
  return { ok: true, contentType, body: response.body };
}
