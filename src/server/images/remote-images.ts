// Remote images in email are tracking devices: loading one tells the sender
// that, when and from where an agent read the message. Email HTML is therefore
// shown with every remote image source taken out: the original URL is kept in
// data-remote-src (and, given a proxy, a signed URL of our own image proxy in
// data-proxy-src) so the console can load them on request, through our server.
// Sources we serve ourselves (site-relative, e.g. cid: images already linked to
// /api/attachments), cid: and data: stay as they are.
//
// Runs on HTML the email sanitiser already cleaned, at read time, so bodies
// stored before this existed are covered too. sanitize-html is used only as
// the parser/serialiser here: every tag and attribute passes, except the ones
// that would load something from elsewhere.
import sanitizeHtml from "sanitize-html";

export type BlockedImages = { html: string; blocked: number };

// Attributes through which an element loads a URL by itself (img and legacy
// HTML alike); srcset is handled apart.
const LOADING_ATTRIBUTES = ["src", "background", "poster", "lowsrc", "dynsrc"];
const SRCSET_ATTRIBUTES = ["srcset", "imagesrcset"];
// CSS that can fetch: url(), image-set() (takes bare strings), and escapes or
// entities that could spell either. The email sanitiser never keeps these; a
// style that has them anyway is dropped whole.
const STYLE_LOADS = /url\s*\(|image-set\s*\(|\\/i;

const SENTINEL = "https://sentinel.throughline.invalid/";

/**
 * The absolute http(s) URL an image source would make the browser fetch from
 * another host, or null when it is ours (site-relative), cid:, data:, or
 * nothing a browser would load.
 */
export function remoteImageUrl(source: string): string | null {
  const value = source.trim();
  if (!value) return null;
  // Resolved as the browser would against our page: "//host/x", "\\host\x"
  // and "/\host" all leave this site; "/api/..." and "logo.png" do not.
  const absolute = URL.canParse(value);
  let url: URL;
  try {
    url = new URL(value, SENTINEL);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!absolute && url.host === new URL(SENTINEL).host) return null;
  return url.href;
}

// The one path of ours an email may load: its own inline (cid:) parts, as the
// inbound parser rewrote them. Any other relative URL would be a request to
// our API with the agent's cookies, chosen by the sender.
const OWN_ATTACHMENT = /^\/api\/attachments\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a source is one the console may load as is (an inline attachment of ours, cid:, data:). */
function isLocalSource(source: string): boolean {
  const value = source.trim();
  if (remoteImageUrl(value)) return false;
  if (/^(cid|data):/i.test(value)) return true;
  return OWN_ATTACHMENT.test(value);
}

/** The URL of every image candidate in a srcset (the HTML spec's splitting, without descriptors). */
export function srcsetUrls(srcset: string): string[] {
  const urls: string[] = [];
  let rest = srcset;
  for (;;) {
    rest = rest.replace(/^[\s,]+/, "");
    if (!rest) return urls;
    const url = /^\S+/.exec(rest)![0];
    rest = rest.slice(url.length);
    if (url.endsWith(",")) {
      urls.push(url.replace(/,+$/, ""));
      continue;
    }
    urls.push(url);
    // Descriptors run to the next comma outside parentheses.
    let depth = 0;
    let i = 0;
    for (; i < rest.length; i++) {
      const c = rest[i];
      if (c === "(") depth++;
      else if (c === ")") depth = Math.max(0, depth - 1);
      else if (c === "," && depth === 0) break;
    }
    rest = rest.slice(i);
  }
}

// A quick look before parsing: HTML without any of these cannot load anything
// (attribute names cannot be spelled with entities; a style could hide url()
// behind one, hence "&").
const MAY_LOAD = /src|background|poster/i;
const STYLE_MAY_LOAD = /url|image-set|\\|&/i;

export function mayLoadRemoteResources(html: string): boolean {
  return MAY_LOAD.test(html) || (/style/i.test(html) && STYLE_MAY_LOAD.test(html));
}

/**
 * Email HTML with no remote image left to load: each remote <img> keeps its
 * URL in data-remote-src (plus data-proxy-src when `proxyUrl` is given) and
 * counts as blocked; other remote loads (srcset, background, style url()) are
 * removed. Idempotent.
 */
export function blockRemoteImages(html: string, proxyUrl?: (remoteUrl: string) => string): BlockedImages {
  if (!mayLoadRemoteResources(html)) return { html, blocked: 0 };
  let blocked = 0;
  const out = sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    allowedSchemesAppliedToAttributes: [],
    parseStyleAttributes: false,
    transformTags: {
      "*": (tagName, attribs) => {
        const attrs = { ...attribs };
        let remote: string | null = null;
        for (const name of LOADING_ATTRIBUTES) {
          if (attrs[name] === undefined) continue;
          const value = attrs[name]!;
          if (isLocalSource(value)) continue;
          if (name === "src") remote = remoteImageUrl(value);
          delete attrs[name];
        }
        for (const name of SRCSET_ATTRIBUTES) {
          if (attrs[name] === undefined) continue;
          const candidates = srcsetUrls(attrs[name]!);
          if (candidates.every(isLocalSource)) continue;
          if (tagName === "img") attrs["data-remote-srcset"] = attrs[name]!;
          remote ??= candidates.map(remoteImageUrl).find((u) => u !== null) ?? null;
          delete attrs[name];
        }
        if (attrs.style !== undefined && STYLE_LOADS.test(attrs.style)) delete attrs.style;
        if (tagName === "img") {
          // Already blocked on an earlier pass: keep it so, refresh the proxy link.
          remote ??= attrs["data-remote-src"] ? remoteImageUrl(attrs["data-remote-src"]) : null;
          if (remote) {
            blocked++;
            attrs["data-remote-src"] = remote;
            if (proxyUrl) attrs["data-proxy-src"] = proxyUrl(remote);
            else delete attrs["data-proxy-src"];
          } else {
            delete attrs["data-remote-src"];
            delete attrs["data-proxy-src"];
          }
        }
        return { tagName, attribs: attrs };
      },
    },
  });
  return { html: out, blocked };
}
