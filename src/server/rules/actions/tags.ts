// add_tags / remove_tags: on the conversation, or on the customer (attributes.tags) when there is none.
import { db, Prisma } from "@/server/db";
import { bus } from "@/server/events/bus";
import { customerEntry, ruleLabel, ticketChange } from "./steps";
import type { ActionOf, Exec } from "./types";

/** One handler for both (a RuleAction of either type). */
export async function changeTags(a: ActionOf<"add_tags" | "remove_tags">, x: Exec): Promise<string> {
  const label = ruleLabel(x);
  const tags = [...new Set(a.tags.map((t) => t.trim().toLowerCase()))];
  const verb = a.type === "add_tags" ? "added" : "removed";
  const noun = tags.length > 1 ? "tags" : "tag";
  if (!x.conversationId) {
    // No conversation: the tag goes on the customer (attributes.tags).
    if (!x.ctx.customer) throw new Error("no customer");
    const c = await db.customer.findUnique({ where: { id: x.ctx.customer.id }, select: { attributes: true } });
    const attrs = { ...((c?.attributes ?? {}) as Record<string, unknown>) };
    const current = Array.isArray(attrs.tags) ? (attrs.tags as unknown[]).map(String) : [];
    const next = a.type === "add_tags" ? [...new Set([...current, ...tags])] : current.filter((t) => !tags.includes(t));
    if (next.length === current.length && next.every((t, i) => t === current[i])) return "no change";
    attrs.tags = next;
    await db.customer.update({ where: { id: x.ctx.customer.id }, data: { attributes: attrs as Prisma.InputJsonValue } });
    bus.publish({ type: "customer.updated", customerId: x.ctx.customer.id, changes: { attributes: attrs } });
    return customerEntry(x, a.type, `${label} ${verb} ${noun} ${tags.join(", ")}`, { [verb]: tags, on: "customer" });
  }
  return ticketChange(x, a.type, async (conv) => {
    const next = a.type === "add_tags" ? [...new Set([...conv.tags, ...tags])] : conv.tags.filter((t) => !tags.includes(t));
    const changed = a.type === "add_tags" ? tags.filter((t) => !conv.tags.includes(t)) : tags.filter((t) => conv.tags.includes(t));
    if (changed.length === 0) return null;
    return {
      data: { tags: next },
      name: "tags",
      text: `${label} ${verb} ${changed.length > 1 ? "tags" : "tag"} ${changed.join(", ")}`,
      payload: { [verb]: changed },
      changes: { tags: next },
    };
  });
}
