// npm run sdk:build: the JavaScript client for REST v1 (src/sdk, docs/sdk.md).
//   1. src/sdk/schema.ts regenerated from the OpenAPI document (scripts/sdk-types.ts);
//   2. dist/sdk/throughline.mjs: one minified ES module, platform neutral (Node ≥ 20, browsers);
//   3. dist/sdk/throughline.d.mts and dist/sdk/types/: its declarations, by tsc, checked
//      against the DOM and ES2022 only (no Node types), so nothing Node-only slips in.
// Prints the bundle's size. --outdir <dir> builds elsewhere and --skip-types leaves
// src/sdk/schema.ts as it is (the tests build the bundle so, without touching the tree).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const outArg = process.argv.indexOf("--outdir");
if (outArg >= 0 && !process.argv[outArg + 1]) {
  console.error("--outdir needs a directory");
  process.exit(2);
}
const outDir = path.resolve(outArg >= 0 ? process.argv[outArg + 1] : path.join(root, "dist/sdk"));
const bundle = path.join(outDir, "throughline.mjs");

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!process.argv.includes("--skip-types")) run(["--import", "tsx", "scripts/sdk-types.ts"]);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
await build({
  entryPoints: [path.join(root, "src/sdk/index.ts")],
  outfile: bundle,
  bundle: true,
  format: "esm",
  platform: "neutral",
  // "neutral" resolves no package fields by default; openapi-fetch publishes ESM under "module"/"main".
  mainFields: ["module", "main"],
  target: "es2022",
  minify: true,
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
});

// Declarations: the SDK alone, without @types/node, into <outDir>/types.
const tmp = mkdtempSync(path.join(os.tmpdir(), "throughline-sdk-"));
try {
  const tsconfig = path.join(tmp, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(root, "tsconfig.json"),
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        incremental: false,
        types: [],
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        rootDir: path.join(root, "src/sdk"),
        outDir: path.join(outDir, "types"),
      },
      include: [],
      files: [path.join(root, "src/sdk/index.ts")],
    }),
  );
  run([path.join(root, "node_modules/typescript/bin/tsc"), "-p", tsconfig]);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
writeFileSync(path.join(outDir, "throughline.d.mts"), 'export * from "./types/index.js";\n');

const code = readFileSync(bundle);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`${path.relative(process.cwd(), bundle)}: ${kb(code.length)} minified, ${kb(gzipSync(code, { level: 9 }).length)} gzipped`);
