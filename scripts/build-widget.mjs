// Bundles the embeddable widget (src/widget, plain TypeScript + DOM and the
// socket.io client) into public/widget.js: one minified ES2019 IIFE, served
// by Next from public/ and loaded by a single <script> tag on any origin.
// Prints the raw and gzipped size; fails above the 40 KB gzipped budget.
import { build } from "esbuild";
import { mkdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";

const BUDGET_GZIP = 40 * 1024;
const outfile = path.resolve("public/widget.js");
mkdirSync(path.dirname(outfile), { recursive: true });

const t = Date.now();
await build({
  entryPoints: ["src/widget/index.ts"],
  outfile,
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2019",
  platform: "browser",
  // The browser ESM build of socket.io-client (no `debug`).
  conditions: ["browser", "import"],
  mainFields: ["browser", "module", "main"],
  sourcemap: false,
  legalComments: "none",
  define: { "process.env.NODE_ENV": '"production"' },
  banner: { js: "/* Throughline chat widget */" },
  logLevel: "warning",
});
const code = readFileSync(outfile);
const gz = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`widget.js: ${kb(code.length)} raw, ${kb(gz)} gzipped (${Date.now() - t} ms)`);
if (gz > BUDGET_GZIP) {
  console.error(`widget.js is over its budget of ${kb(BUDGET_GZIP)} gzipped`);
  process.exit(1);
}
