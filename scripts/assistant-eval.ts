// npm run assistant:eval — measures the assistant on the fixture histories
// (tests/fixtures/assistant/cases.json) in a fresh embedded PostgreSQL:
// summary fact recall of the local fallback (and of the provider when
// LLM_BASE_URL is set), suggestion hit rate @3, and the fallback summary's
// latency. Prints the figures docs/assistant.md quotes.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureDatabase, startEmbeddedPostgres } from "../src/server/db/embedded.ts";
import { deployMigrations } from "../src/server/db/migrator.ts";

process.env.NEXT_TELEMETRY_DISABLED = "1";

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "throughline-assistant-eval-"));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), ephemeral: true });
  try {
    await ensureDatabase(pg, "assistant_eval");
    const url = pg.url("assistant_eval");
    await deployMigrations(url);
    process.env.DATABASE_URL = url;
    // Imported after DATABASE_URL is set: the one Prisma client connects to it.
    const { evaluate, loadCases, readCases } = await import("../tests/fixtures/assistant/evaluate.ts");
    const { disconnectDb } = await import("../src/server/db.ts");
    const cases = readCases();
    const loaded = await loadCases(cases);
    const provider = { LLM_BASE_URL: process.env.LLM_BASE_URL, LLM_MODEL: process.env.LLM_MODEL, LLM_API_KEY: process.env.LLM_API_KEY };

    delete process.env.LLM_BASE_URL;
    const local = await evaluate(loaded);
    report("local fallback", local);

    if (provider.LLM_BASE_URL) {
      Object.assign(process.env, Object.fromEntries(Object.entries(provider).filter(([, v]) => v)));
      const llm = await evaluate(loaded);
      report(`provider (${provider.LLM_MODEL})`, llm);
    } else {
      console.log("\n(LLM_BASE_URL unset: provider not measured)");
    }
    await disconnectDb();
  } finally {
    await pg.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function report(label: string, e: Awaited<ReturnType<typeof import("../tests/fixtures/assistant/evaluate.ts").evaluate>>) {
  console.log(`\n== ${label}: ${e.results.length} cases`);
  for (const r of e.results) {
    const missed = r.facts.filter((f) => !f.recalled).map((f) => f.about);
    console.log(`  ${r.id.padEnd(26)} facts ${r.facts.length - missed.length}/${r.facts.length}${missed.length ? ` (missed: ${missed.join(", ")})` : ""}  article ${r.hit ? "hit" : `MISS (${r.top3.join(", ") || "none"})`}  bot ${r.bot}  summary ${r.summaryMs} ms [${r.source}]`);
  }
  console.log(`  fact recall: ${e.recalled}/${e.facts} = ${(e.recall * 100).toFixed(1)}%`);
  console.log(`  suggestion hit rate @3: ${e.hits}/${e.results.length} = ${(e.hitRate * 100).toFixed(1)}%`);
  console.log(`  summary latency: median ${e.summaryMs.median} ms, max ${e.summaryMs.max} ms`);
  console.log(`  answer bot (local fallback, first message): ${e.bot.right} right article, ${e.bot.wrong} wrong, ${e.bot.handover} handed over`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
