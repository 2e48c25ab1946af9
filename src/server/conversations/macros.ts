// Macros (canned responses): listing, creating, and filling in their
// placeholders (MACRO_PLACEHOLDERS; the composer's macro menu lists them too).
import { db } from "@/server/db";
import { isUuid } from "@/server/db/ids";

export type MacroVars = {
  customer: { name: string | null };
  agent: { name: string | null };
  conversation: { number: number | null; subject: string | null };
};

// Courtesy titles skipped by first_name ("Dr. Ana Ruiz" → "Ana"); "Dr." alone stays "Dr.".
const TITLES = new Set(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam"]);

/**
 * The first name for a greeting: the first word of the name, skipping a leading
 * courtesy title. Names written without spaces (many CJK names) come back whole;
 * no name, or one that is really an email address, gives "".
 */
export function firstName(name: string | null | undefined): string {
  const words = (name ?? "").trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words[0]!.includes("@")) return "";
  const rest = words.length > 1 && TITLES.has(words[0]!.toLowerCase().replace(/\.$/, "")) ? words.slice(1) : words;
  return rest[0]!.replace(/[,;:]+$/, "");
}
const first = firstName;

/** Every placeholder a macro may use, with what it becomes (shown to agents). */
export const MACRO_PLACEHOLDERS = [
  { key: "customer.first_name", means: "the customer's first name (first word, a title like “Dr.” skipped); “there” when unknown" },
  { key: "customer.name", means: "the customer's full name; “there” when unknown" },
  { key: "agent.first_name", means: "your first name" },
  { key: "agent.name", means: "your full name" },
  { key: "conversation.number", means: "the ticket number, e.g. 1042" },
  { key: "conversation.subject", means: "the conversation's subject" },
] as const;

/** Fills the placeholders; unknown ones stay as written so the agent sees them. */
export function renderMacro(body: string, vars: MacroVars): string {
  const values: Record<string, string> = {
    "customer.name": vars.customer.name?.trim() || "there",
    "customer.first_name": first(vars.customer.name) || "there",
    "agent.name": vars.agent.name?.trim() ?? "",
    "agent.first_name": first(vars.agent.name),
    "conversation.number": vars.conversation.number != null ? String(vars.conversation.number) : "",
    "conversation.subject": vars.conversation.subject ?? "",
  };
  return body.replace(/\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}/gi, (whole, key: string) => values[key.toLowerCase()] ?? whole);
}

export async function listMacros(search?: string) {
  const q = search?.trim();
  return db.macro.findMany({
    where: q ? { OR: [{ name: { contains: q, mode: "insensitive" } }, { body: { contains: q, mode: "insensitive" } }] } : {},
    orderBy: { name: "asc" },
    take: 100,
    select: { id: true, name: true, body: true, createdBy: { select: { id: true, name: true } } },
  });
}

export async function createMacro(input: { name: string; body: string; createdById: string }) {
  return db.macro.create({
    data: { name: input.name.trim().slice(0, 120), body: input.body.slice(0, 20_000), createdById: input.createdById },
    select: { id: true, name: true, body: true },
  });
}

/** The macro's text for this conversation and agent; null when the macro or conversation is unknown. */
export async function renderMacroFor(args: { macroId: string; conversationId: string; agentId: string }): Promise<string | null> {
  if (!isUuid(args.macroId) || !isUuid(args.conversationId)) return null;
  const [macro, conv, agent] = await Promise.all([
    db.macro.findUnique({ where: { id: args.macroId }, select: { body: true } }),
    db.conversation.findUnique({ where: { id: args.conversationId }, select: { number: true, subject: true, customer: { select: { name: true } } } }),
    db.user.findUnique({ where: { id: args.agentId }, select: { name: true } }),
  ]);
  if (!macro || !conv) return null;
  return renderMacro(macro.body, { customer: { name: conv.customer.name }, agent: { name: agent?.name ?? null }, conversation: { number: conv.number, subject: conv.subject } });
}
