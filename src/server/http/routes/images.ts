// GET /api/image-proxy?url=…&sig=… — a remote email image, fetched by our
// server for a signed-in agent who chose "Load images" (src/server/images).
import { viewerFromCookieHeader } from "@/server/auth/session";
import { fetchProxiedImage, IMAGE_PROXY_CACHE_SECONDS, type ProxyRefusal } from "@/server/images/image-proxy";

const STATUS: Record<ProxyRefusal, number> = {
  bad_request: 400,
  bad_signature: 403,
  refused: 403,
  not_an_image: 415,
  too_large: 502,
  upstream_status: 502,
  unreachable: 502,
  timeout: 504,
};

// Whatever the bytes are, they are never a document in our origin.
const LOCKED = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
};

function refusal(status: number, code: string, message: string) {
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers: { ...LOCKED, "content-type": "application/json", "cache-control": "no-store" } });
}

export async function getProxiedImage(req: Request) {
  if (!(await viewerFromCookieHeader(req.headers.get("cookie") ?? undefined))) return refusal(401, "unauthorized", "Sign in first");
  const params = new URL(req.url).searchParams;
  const image = await fetchProxiedImage({ url: params.get("url"), sig: params.get("sig") });
  if (!image.ok) return refusal(STATUS[image.reason], image.reason, image.message);
  return new Response(new Uint8Array(image.body), {
    status: 200,
    headers: {
      ...LOCKED,
      "content-type": image.contentType,
      "content-length": String(image.body.length),
      "content-disposition": "inline",
      "cache-control": `private, max-age=${IMAGE_PROXY_CACHE_SECONDS}`,
    },
  });
}
