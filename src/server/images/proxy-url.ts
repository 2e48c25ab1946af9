// Links to our image proxy are signed (HMAC-SHA256 with the instance's
// "image-proxy" key) over the remote URL, so the proxy fetches only URLs this
// server itself put into an email it displayed: it is no open proxy.
import { createHmac, timingSafeEqual } from "node:crypto";
import { purposeSecret } from "@/server/security/secrets";

export const IMAGE_PROXY_PATH = "/api/image-proxy";

function signature(remoteUrl: string): string {
  return createHmac("sha256", purposeSecret("image-proxy")).update(remoteUrl).digest("base64url");
}

/** The site-relative proxy link for one remote image. */
export function imageProxyUrl(remoteUrl: string): string {
  return `${IMAGE_PROXY_PATH}?${new URLSearchParams({ url: remoteUrl, sig: signature(remoteUrl) })}`;
}

export function isSignedImageUrl(remoteUrl: string, sig: string): boolean {
  const expected = Buffer.from(signature(remoteUrl));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
