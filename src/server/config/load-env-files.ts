// Loads .env (if present) into process.env without overriding what is already
// set; in demo mode (SEED not "false") also takes .env.example's defaults for
// anything still unset, so `npm install && npm start` works on a fresh clone —
// never its secrets, which the instance generates for itself.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv as parseDotenv } from "node:util";

// .env.example is public: a secret or token found there signs nothing.
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|_KEY)$/;

function apply(file: string, opts: { secrets: boolean }) {
  if (!existsSync(file)) return;
  const values = parseDotenv(readFileSync(file, "utf8")) as Record<string, string>;
  for (const [key, value] of Object.entries(values)) {
    if (!opts.secrets && SECRET_NAME.test(key)) continue;
    if (process.env[key] === undefined && value !== "") process.env[key] = value;
  }
}

export function loadEnvFiles(root = process.cwd()) {
  apply(path.join(root, ".env"), { secrets: true });
  const seed = (process.env.SEED ?? "true").toLowerCase();
  if (seed !== "false" && seed !== "0" && seed !== "no") apply(path.join(root, ".env.example"), { secrets: false });
}
