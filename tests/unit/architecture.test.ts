// The import graph of src/ keeps its shape (issue "One home for each concept"):
// no import circles, src/server/app/ (the wiring at the top: start.ts,
// worker.ts, the service list) is imported by nothing below it, and only the
// HTTP/tRPC edges (src/server/http/, src/server/api/) know the web frameworks.
// The graph is madge's (type-only and dynamic imports count), with the
// project's tsconfig paths; Prisma's generated client is left out.
import { createRequire } from "node:module";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// madge ships no types: the part of its API used here.
type MadgeResult = { obj: () => Record<string, string[]>; circular: () => string[][] };
const madge = createRequire(import.meta.url)("madge") as (path: string, config: Record<string, unknown>) => Promise<MadgeResult>;

const ROOT = path.resolve(import.meta.dirname, "../..");

// Files whose edges are the web frameworks themselves.
const EDGES = /^src\/server\/(http|api)\//;
// hono (and its @hono/* adapters), next and next/*, @trpc/* (next-auth is a package of its own).
const FRAMEWORK = /^node_modules\/(hono|@hono\/[^/]+|next|@trpc\/[^/]+)\//;
// Known exceptions to the framework rule, each with its reason. Keep this short.
const FRAMEWORK_ALLOWED: Record<string, string> = {
  // The top of the app boots Next.js on its HTTP server (next({ dev, dir }).prepare()).
  "src/server/app/start.ts": "boots Next.js",
};

let graph: Record<string, string[]>;
let circles: string[][];

beforeAll(async () => {
  const result = await madge("src", {
    baseDir: ROOT,
    fileExtensions: ["ts", "tsx"],
    tsConfig: path.join(ROOT, "tsconfig.json"),
    excludeRegExp: [/^src[\\/]generated[\\/]/],
    // Shallow: an npm import is a leaf (node_modules/<package>/…), never walked into.
    includeNpm: true,
    detectiveOptions: { ts: { skipTypeImports: false, skipAsyncImports: false }, tsx: { skipTypeImports: false, skipAsyncImports: false } },
  });
  graph = Object.fromEntries(Object.entries(result.obj()).map(([file, deps]) => [toPosix(file), deps.map(toPosix)]));
  circles = result.circular().map((c) => c.map(toPosix));
}, 60_000);

function toPosix(p: string) {
  return p.split(path.sep).join("/");
}

describe("the import graph of src/", () => {
  it("is the graph of the app", () => {
    // A broken resolution (a tsconfig or madge change) must not pass as an empty graph.
    expect(Object.keys(graph).length).toBeGreaterThan(200);
    expect(graph["src/server/app/start.ts"]).toEqual(expect.arrayContaining(["src/server/app/service-list.ts", "src/server/realtime/server.ts"]));
  });

  it("has no circular imports", () => {
    expect(circles.map((c) => c.join(" > "))).toEqual([]);
  });

  it("imports src/server/app/ only from inside it", () => {
    const upward = Object.entries(graph)
      .filter(([file]) => file.startsWith("src/server/") && !file.startsWith("src/server/app/"))
      .flatMap(([file, deps]) => deps.filter((d) => d.startsWith("src/server/app/")).map((d) => `${file} > ${d}`));
    expect(upward).toEqual([]);
  });

  it("leaves hono, next and tRPC to the HTTP and tRPC edges", () => {
    const found = Object.entries(graph)
      .filter(([file]) => file.startsWith("src/server/") && !EDGES.test(file) && !(file in FRAMEWORK_ALLOWED))
      .flatMap(([file, deps]) => deps.filter((d) => FRAMEWORK.test(d)).map((d) => `${file} > ${d}`));
    expect(found).toEqual([]);
  });

  it("lists only exceptions that still need to be", () => {
    const stale = Object.keys(FRAMEWORK_ALLOWED).filter((file) => !(graph[file] ?? []).some((d) => FRAMEWORK.test(d)));
    expect(stale).toEqual([]);
  });
});

// Settings and secrets are read through src/env.ts (validated, documented in
// .env.example). These files read process.env themselves, each for its reason.
const RAW_ENV_ALLOWED: Record<string, string> = {
  "src/env.ts": "the one place that reads and validates it",
  "src/server/config/load-env-files.ts": "loads .env files into process.env before anything validates it",
  "src/server/app/start.ts": "the top: sets what Next, next-auth and the embedded PostgreSQL read (NEXTAUTH_URL, DATABASE_URL)",
  "src/server/app/worker.ts": "the top: sets DATABASE_URL for the worker role's libraries",
  "src/proxy.ts": "Next's edge proxy, where NODE_ENV is inlined at build time",
  "src/components/service-worker.tsx": "a client component: Next inlines NODE_ENV into the browser bundle at build time",
};

describe("settings", () => {
  it("are read through src/env.ts everywhere else", async () => {
    const { readFile } = await import("node:fs/promises");
    const files = Object.keys(graph).filter((f) => f.startsWith("src/") && !(f in RAW_ENV_ALLOWED));
    const raw: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(ROOT, file), "utf8");
      // Code, not comments or template text (a help article quotes process.env in a code sample).
      const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "").replace(/`(?:\\[\s\S]|[^`\\])*`/g, "``");
      for (const m of code.matchAll(/process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[)/g)) raw.push(`${file}: process.env${m[1] ? `.${m[1]}` : "["}`);
    }
    expect(raw).toEqual([]);
  });

  it("lists only exceptions that still read process.env", async () => {
    const { readFile } = await import("node:fs/promises");
    const stale: string[] = [];
    for (const file of Object.keys(RAW_ENV_ALLOWED)) if (!(await readFile(path.join(ROOT, file), "utf8")).includes("process.env")) stale.push(file);
    expect(stale).toEqual([]);
  });
});
