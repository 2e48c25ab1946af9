// Email HTML as the console shows it: no remote image can load until an agent
// asks (tracking pixels would reveal who read what, when and from where).
import { describe, expect, it } from "vitest";
import { blockRemoteImages, remoteImageUrl, srcsetUrls } from "@/server/images/remote-images";
import { sanitizeEmailHtml } from "@/server/channels/email/sanitize";

const proxy = (url: string) => `/api/image-proxy?url=${encodeURIComponent(url)}&sig=test`;

/** The attributes of every <img> in some HTML, as a browser would parse them. */
function images(html: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const tag of html.match(/<img\b[^>]*>/gi) ?? []) {
    const attrs: Record<string, string> = {};
    for (const m of tag.matchAll(/([a-z-]+)="([^"]*)"/gi)) attrs[m[1]!.toLowerCase()] = m[2]!.replace(/&amp;/g, "&");
    out.push(attrs);
  }
  return out;
}

describe("blockRemoteImages", () => {
  it("moves a remote src out of the way, keeping the URL and a proxy link, and counts it", () => {
    const { html, blocked } = blockRemoteImages('<p>Hi</p><img src="https://tracker.test/p.gif?u=42" alt="logo" width="1">', proxy);
    expect(blocked).toBe(1);
    const [img] = images(html);
    expect(img).not.toHaveProperty("src");
    expect(img).toMatchObject({
      "data-remote-src": "https://tracker.test/p.gif?u=42",
      "data-proxy-src": proxy("https://tracker.test/p.gif?u=42"),
      alt: "logo",
      width: "1",
    });
    expect(html).toContain("<p>Hi</p>");
  });

  it("blocks http, uppercase tags and attributes, odd quoting, whitespace and entities alike", () => {
    const cases = [
      '<img src="http://t.test/a.png">',
      "<IMG SRC='HTTPS://T.TEST/a.png'>",
      "<img src=http://t.test/a.png>",
      '<img\nsrc = "  https://t.test/a.png\t">',
      '<img SrC="https&#58;//t.test/a.png">',
      '<img src="h&#x74;tp://t.test/a.png">',
    ];
    for (const input of cases) {
      const { html, blocked } = blockRemoteImages(input, proxy);
      expect(blocked, input).toBe(1);
      expect(images(html)[0], input).not.toHaveProperty("src");
      expect(images(html)[0]!["data-remote-src"], input).toMatch(/^https?:\/\/t\.test\/a\.png$/);
    }
  });

  it("treats protocol-relative and backslash forms as remote (the browser would leave the site)", () => {
    for (const src of ["//t.test/x.png", "\\\\t.test\\x.png", "/\\t.test/x.png"]) {
      const { html, blocked } = blockRemoteImages(`<img src="${src}">`, proxy);
      expect(blocked, src).toBe(1);
      const [img] = images(html);
      expect(img, src).not.toHaveProperty("src");
      expect(img!["data-remote-src"], src).toBe("https://t.test/x.png");
    }
  });

  it("removes remote srcset candidates and proxies the first one when there is no src", () => {
    const { html, blocked } = blockRemoteImages('<img srcset="https://t.test/a.png 1x, https://t.test/b.png 2x" alt="a">', proxy);
    expect(blocked).toBe(1);
    const [img] = images(html);
    expect(img).not.toHaveProperty("srcset");
    expect(img).not.toHaveProperty("src");
    expect(img!["data-remote-srcset"]).toBe("https://t.test/a.png 1x, https://t.test/b.png 2x");
    expect(img!["data-proxy-src"]).toBe(proxy("https://t.test/a.png"));

    const mixed = blockRemoteImages('<img src="/api/attachments/1" SRCSET="/api/attachments/1 1x,//t.test/b.png 2x">', proxy);
    expect(mixed.html).not.toMatch(/\ssrcset="/i);
    expect(mixed.html).not.toContain('src="//t.test');
  });

  it("leaves cid:, data: and our own site-relative images untouched", () => {
    const input =
      '<img src="cid:logo@acme"><img src="/api/attachments/7d3c0d1e-0000-4000-8000-000000000000" alt="inline">' +
      '<img src="data:image/png;base64,iVBORw0KGgo=">';
    const { html, blocked } = blockRemoteImages(input, proxy);
    expect(blocked).toBe(0);
    expect(images(html).map((i) => i.src)).toEqual(["cid:logo@acme", "/api/attachments/7d3c0d1e-0000-4000-8000-000000000000", "data:image/png;base64,iVBORw0KGgo="]);
    expect(html).not.toContain("data-remote-src");
  });

  it("drops other same-site sources: an email may not make the agent's browser call our API with its cookies", () => {
    const { html, blocked } = blockRemoteImages('<img src="/api/auth/signout" alt="a"><img src="/api/trpc/me.get" alt="b"><img src="../settings" alt="c"><img src="/api/attachments/not-an-id" alt="d">', proxy);
    expect(blocked).toBe(0);
    expect(images(html).every((i) => !("src" in i))).toBe(true);
  });

  it("drops sources no browser should load (javascript:, other schemes)", () => {
    const { html, blocked } = blockRemoteImages('<img src="javascript:alert(1)" alt="x"><img src="ftp://t.test/a.png" alt="y">', proxy);
    expect(blocked).toBe(0);
    expect(images(html).every((i) => !("src" in i))).toBe(true);
  });

  it("removes other ways of loading from elsewhere: background, poster, style url() and image-set()", () => {
    const { html } = blockRemoteImages(
      '<table background="https://t.test/bg.png"><tr><td style="background-image:url(https://t.test/c.png);color:red">x</td></tr></table>' +
        '<div style="background:-webkit-image-set(&quot;https://t.test/d.png&quot; 1x)">y</div><video poster="//t.test/p.png"></video>' +
        '<p style="color:blue">kept</p><td background="/api/attachments/7d3c0d1e-0000-4000-8000-000000000000">z</td>',
    );
    expect(html).not.toContain("t.test");
    expect(html).toContain('style="color:blue"');
    expect(html).toContain('background="/api/attachments/7d3c0d1e-0000-4000-8000-000000000000"');
  });

  it("is idempotent: a second pass keeps images blocked and renews the proxy link", () => {
    const once = blockRemoteImages('<img src="https://t.test/a.png">', proxy);
    const twice = blockRemoteImages(once.html, (u) => `/p?u=${encodeURIComponent(u)}`);
    expect(twice.blocked).toBe(1);
    expect(images(twice.html)[0]).toMatchObject({ "data-remote-src": "https://t.test/a.png", "data-proxy-src": "/p?u=https%3A%2F%2Ft.test%2Fa.png" });
    expect(images(twice.html)[0]).not.toHaveProperty("src");
  });

  it("blocks what the email sanitiser keeps: the stored form of a tracking pixel", () => {
    const stored = sanitizeEmailHtml('<p>Offer</p><img src="http://tracker.test/open.gif?id=9" width="1" height="1">');
    expect(stored).toContain('src="http://tracker.test/open.gif?id=9"');
    const { html, blocked } = blockRemoteImages(stored, proxy);
    expect(blocked).toBe(1);
    expect(html).not.toMatch(/\ssrc="http/);
  });

  it("returns HTML that loads nothing unchanged", () => {
    const input = '<p style="color:red">Hello &amp; welcome</p><a href="https://t.test">link</a>';
    expect(blockRemoteImages(input, proxy)).toEqual({ html: input, blocked: 0 });
  });
});

describe("remoteImageUrl and srcsetUrls", () => {
  it("says which sources leave the site", () => {
    expect(remoteImageUrl("https://t.test/a.png")).toBe("https://t.test/a.png");
    expect(remoteImageUrl("//t.test/a.png")).toBe("https://t.test/a.png");
    expect(remoteImageUrl("/api/attachments/1")).toBeNull();
    expect(remoteImageUrl("logo.png")).toBeNull();
    expect(remoteImageUrl("cid:logo")).toBeNull();
    expect(remoteImageUrl("data:image/png;base64,AAAA")).toBeNull();
    // The placeholder base used for resolving is no loophole.
    expect(remoteImageUrl("https://sentinel.throughline.invalid/x.png")).toBe("https://sentinel.throughline.invalid/x.png");
  });

  it("splits srcset as the HTML spec does", () => {
    expect(srcsetUrls("a.png 1x, b.png 2x")).toEqual(["a.png", "b.png"]);
    expect(srcsetUrls("a.png 1x,b.png 2x")).toEqual(["a.png", "b.png"]);
    // A comma inside a URL is part of it (only trailing commas separate).
    expect(srcsetUrls("a.png,b.png 2x")).toEqual(["a.png,b.png"]);
    expect(srcsetUrls("  https://t.test/a,b.png 100w,  //t.test/c.png")).toEqual(["https://t.test/a,b.png", "//t.test/c.png"]);
  });
});

describe("image proxy links", () => {
  it("are signed over the exact remote URL with the image-proxy key", async () => {
    process.env.NEXTAUTH_SECRET ??= "unit-test-root-secret-0123456789";
    const { imageProxyUrl, isSignedImageUrl } = await import("@/server/images/proxy-url");
    const link = new URL(imageProxyUrl("https://t.test/a.png?x=1&y=2"), "http://console.test");
    expect(link.pathname).toBe("/api/image-proxy");
    expect(link.searchParams.get("url")).toBe("https://t.test/a.png?x=1&y=2");
    const sig = link.searchParams.get("sig")!;
    expect(isSignedImageUrl("https://t.test/a.png?x=1&y=2", sig)).toBe(true);
    expect(isSignedImageUrl("https://t.test/a.png?x=1&y=3", sig)).toBe(false);
    expect(isSignedImageUrl("https://t.test/a.png?x=1&y=2", sig.slice(0, -1))).toBe(false);
    expect(isSignedImageUrl("https://t.test/a.png?x=1&y=2", "")).toBe(false);
  });
});
