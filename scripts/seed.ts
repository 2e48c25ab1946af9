// Seeds a database: demo data when it has no users yet, and/or benchmark volume.
//
//   DATABASE_URL=postgresql://… npm run seed                       demo data (empty database only)
//   DATABASE_URL=… npm run seed -- --customers 500 --events 50000   demo data of that size (empty database)
//   DATABASE_URL=… npm run seed -- --customers 100000 --events 5000000   demo + appended volume
//   DATABASE_URL=… npm run seed -- --heavy 1000000                  (demo if empty, then) one customer with 1M events
//
// The database must be migrated (npm run db:deploy). Sizes accept 1_000_000 or 1e6.
import { loadEnvFiles } from "../src/server/config/load-env-files.ts";
import { createPrisma } from "../src/server/db.ts";
import { seedDemo } from "../src/server/seed/demo.ts";
import { seedVolume } from "../src/server/seed/volume.ts";

// Above these sizes the in-memory demo generator is the wrong tool: use volume mode.
const DEMO_MAX_CUSTOMERS = 20_000;
const DEMO_MAX_EVENTS = 200_000;

type Flags = { customers?: number; events?: number; heavy?: number };

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--(customers|events|heavy)(?:=(.*))?$/.exec(arg);
    if (!m) fail(`seed: unknown argument ${arg} (use --customers N, --events M, --heavy K)`, 2);
    const raw = m[2] ?? argv[++i];
    const value = Number(String(raw ?? "").replace(/[_,]/g, ""));
    if (!Number.isFinite(value) || value < 0 || !Number.isInteger(value)) fail(`seed: --${m[1]} needs a whole number, got ${raw ?? "nothing"}`, 2);
    flags[m[1] as keyof Flags] = value;
  }
  return flags;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  loadEnvFiles();
  const flags = parseFlags(process.argv.slice(2));
  const url = process.env.DATABASE_URL;
  if (!url) fail("seed: DATABASE_URL is not set — point it at a migrated PostgreSQL database, e.g. DATABASE_URL=postgresql://user@127.0.0.1:5432/throughline npm run seed");

  const prisma = createPrisma(url, 4);
  const started = Date.now();
  try {
    const check = await prisma.$queryRaw<{ migrated: boolean }[]>`SELECT to_regclass('public.users') IS NOT NULL AS migrated`;
    if (!check[0]?.migrated) fail("seed: the database has no Throughline tables — run npm run db:deploy first");

    const users = await prisma.user.count();
    const sized = flags.customers !== undefined || flags.events !== undefined;
    const demoSized = sized && (flags.customers ?? 0) <= DEMO_MAX_CUSTOMERS && (flags.events ?? 0) <= DEMO_MAX_EVENTS;
    let volume: { customers: number; events: number } | null = null;

    if (users === 0) {
      const t = Date.now();
      const demo = await seedDemo(prisma, {
        customers: demoSized ? flags.customers : undefined,
        events: demoSized ? flags.events : undefined,
        log: (line) => console.log(line),
      });
      console.log(`seed: demo data — ${demo.customers} customers, ${demo.events} timeline events in ${seconds(Date.now() - t)}`);
      console.log("seed: logins admin@throughline.test / supervisor@throughline.test / agent@throughline.test, password throughline");
      if (sized && !demoSized) volume = { customers: flags.customers ?? 0, events: flags.events ?? 0 };
    } else if (sized) {
      volume = { customers: flags.customers ?? 0, events: flags.events ?? 0 };
    } else if (flags.heavy === undefined) {
      console.log(`seed: the database already has ${users} users — demo seed skipped (pass --customers/--events/--heavy to append benchmark volume)`);
    }

    if (volume || flags.heavy !== undefined) {
      const t = Date.now();
      const v = volume ?? { customers: 0, events: 0 };
      const result = await seedVolume(url, {
        customers: v.customers,
        events: v.events,
        heavyCustomer: flags.heavy !== undefined ? { events: flags.heavy } : undefined,
        log: (line) => console.log(line),
      });
      console.log(`seed: volume — ${result.customers} customers, ${result.events} timeline events in ${seconds(Date.now() - t)}`);
      if (result.heavyCustomerId) console.log(`seed: heavy customer id ${result.heavyCustomerId}`);
    }
    console.log(`seed: done in ${seconds(Date.now() - started)}`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  // Prisma's messages span several lines; the last one says what went wrong.
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n").map((l) => l.trim()).filter(Boolean).pop() ?? "unknown error";
  fail(`seed: failed — ${line}`);
});
