// Filling in a macro's placeholders (MACRO_PLACEHOLDERS; the composer's macro
// menu and Settings → Macros list them too). Pure: no database, so the
// settings screen's live preview can use it in the browser.
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
