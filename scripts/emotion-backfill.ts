// Scores the customer messages and survey answers stored before emotion
// scoring existed (docs/emotion.md). Safe to run on a live database and to
// run again: only rows without a label are touched.
//
//   npm run emotion:backfill            (the database of .env / DATABASE_URL)
import { loadEnvFiles } from "../src/server/config/load-env-files.ts";

loadEnvFiles();
if (!process.env.DATABASE_URL) {
  console.error("emotion:backfill: set DATABASE_URL (or start the app once: its embedded database is not started by this script).");
  process.exit(2);
}
const { backfillEmotion } = await import("../src/server/ingest/emotion-backfill.ts");
const { disconnectDb } = await import("../src/server/db.ts");
const started = Date.now();
const result = await backfillEmotion({ onProgress: (p) => process.stderr.write(`\rscored ${p.total.toLocaleString("en")} so far…`) });
process.stderr.write("\n");
console.log(`Scored ${result.scored.toLocaleString("en")} customer messages and survey answers in ${((Date.now() - started) / 1000).toFixed(1)} s (${result.slices} slices).`);
await disconnectDb();
