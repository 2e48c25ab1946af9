// Email HTML as the console shows it: remote images blocked, each carrying a
// signed link to our image proxy for "Load images". Applied when a timeline
// item is read, so every stored body (old ones included) goes out blocked.
import { blockRemoteImages } from "./remote-images";
import { imageProxyUrl } from "./proxy-url";

export function emailHtmlForDisplay(html: string | null): { html: string | null; remoteImages: number } {
  if (!html) return { html, remoteImages: 0 };
  const result = blockRemoteImages(html, imageProxyUrl);
  return { html: result.html, remoteImages: result.blocked };
}
