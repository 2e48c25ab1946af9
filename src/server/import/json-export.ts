// Reading an export's JSON files: either NDJSON (one record a line, as
// Zendesk's full JSON export writes them) or one JSON document (an API
// response saved to a file). Every record is checked against its zod schema
// before anything is written; a bad line is reported by its number.
import type { z } from "zod";
import { ImportFormatError } from "./model";

/** A record and where it came from ("tickets.json line 7"), for error messages. */
export type Located = { value: unknown; where: string };

export type JsonExport = { kind: "lines"; records: Located[] } | { kind: "document"; document: unknown };

export function readJsonExport(text: string, file: string): JsonExport {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const filled = lines.map((l, i) => ({ l, n: i + 1 })).filter(({ l }) => l.trim());
  if (filled.length === 0) throw new ImportFormatError(`${file} is empty`);
  // NDJSON when the first non-empty line is a whole JSON object on its own.
  if (filled.length > 1 && parsesAsObject(filled[0]!.l)) {
    return {
      kind: "lines",
      records: filled.map(({ l, n }) => {
        try {
          return { value: JSON.parse(l) as unknown, where: `${file} line ${n}` };
        } catch (error) {
          throw new ImportFormatError(`${file} line ${n}: invalid JSON (${(error as Error).message})`);
        }
      }),
    };
  }
  try {
    return { kind: "document", document: JSON.parse(lines.join("\n")) as unknown };
  } catch (error) {
    throw new ImportFormatError(`${file}: invalid JSON (${(error as Error).message})`);
  }
}

function parsesAsObject(line: string): boolean {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** The records of a document's array (or the document itself, when it is one record), located by index. */
export function documentRecords(items: unknown[], file: string, what: string): Located[] {
  return items.map((value, i) => ({ value, where: `${file} ${what} #${i + 1}` }));
}

/** The record as the schema reads it, or an ImportFormatError naming where and what is wrong. */
export function parseRecord<S extends z.ZodType>(schema: S, record: Located): z.output<S> {
  const result = schema.safeParse(record.value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length ? `${issue.path.join(".")}: ` : "";
  throw new ImportFormatError(`${record.where}: ${path}${issue.message}`);
}
