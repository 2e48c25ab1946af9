// A Prisma.Sql built from parts (the queue's filters, sorts and cursor) run as a
// named prepared statement on the hot pg pool (src/server/db/pg.ts). The name is
// a hash of the SQL text, so each shape of the query is parsed and planned once
// per connection; the shapes are a small fixed set (views × sorts × which
// filters are present), never the values, which always travel as parameters.
import { createHash } from "node:crypto";
import type pg from "pg";
import type { Prisma } from "@/server/db";
import { prepared } from "./pg";

const names = new Map<string, string>();

export function preparedSql<R extends pg.QueryResultRow>(prefix: string, query: Prisma.Sql): Promise<R[]> {
  const text = query.text;
  let name = names.get(text);
  if (!name) {
    name = `${prefix}_${createHash("sha1").update(text).digest("base64url").slice(0, 16)}`;
    names.set(text, name);
  }
  return prepared<R>(name, text, query.values as unknown[]);
}
