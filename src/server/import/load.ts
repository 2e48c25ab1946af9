// Reads an export from disk and hands it to its platform's adapter.
//   zendesk:  a directory with tickets.json (and users.json), or a tickets file
//             (a users.json beside it is read too)
//   chatwoot: a directory with conversations.json (and contacts.csv or contacts.json)
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseChatwootExport } from "./chatwoot/parse";
import { ImportFormatError, type ImportBundle, type ImportSource } from "./model";
import { parseZendeskExport } from "./zendesk/parse";

type ExportFile = { text: string; file: string };

export async function loadExport(source: ImportSource, location: string, now: Date = new Date()): Promise<ImportBundle> {
  const info = await stat(location).catch(() => null);
  if (!info) throw new ImportFormatError(`${location}: no such file or directory`);
  const dir = info.isDirectory() ? location : path.dirname(location);
  if (source === "zendesk") {
    const tickets = await read(info.isDirectory() ? path.join(dir, "tickets.json") : location, true);
    const users = await read(path.join(dir, "users.json"), false);
    return parseZendeskExport({ tickets: tickets!, users });
  }
  if (!info.isDirectory()) throw new ImportFormatError(`${location}: a Chatwoot export is a directory with conversations.json and contacts.csv`);
  const conversations = await read(path.join(dir, "conversations.json"), true);
  const contacts = (await read(path.join(dir, "contacts.csv"), false)) ?? (await read(path.join(dir, "contacts.json"), false));
  return parseChatwootExport({ conversations: conversations!, contacts }, now);
}

async function read(file: string, required: boolean): Promise<ExportFile | null> {
  try {
    return { text: await readFile(file, "utf8"), file: path.basename(file) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !required) return null;
    throw new ImportFormatError(code === "ENOENT" ? `${file}: not found` : `${file}: cannot be read (${(error as Error).message})`);
  }
}
