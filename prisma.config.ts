// Prisma CLI configuration. The app itself never reads this: it connects with
// @prisma/adapter-pg from src/server/db.ts.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/throughline" },
});
