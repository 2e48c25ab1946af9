// Macros (canned responses): listing, creating, and filling in their
// placeholders — {{customer.name}}, {{customer.first_name}}, {{agent.name}},
// {{agent.first_name}}, {{conversation.number}}, {{conversation.subject}}.
import { db } from "@/server/db";
import { isUuid } from "@/server/timeline/ids";

export type MacroVars = {
  customer: { name: string | null };
  agent: { name: string | null };
  conversation: { number: number | null; subject: string | null };
};

const first = (name: string | null) => name?.trim().split(/\s+/)[0] ?? "";

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
