// set_status: open, pending, snoozed (with a wake-up time), resolved or closed.
import type { Prisma } from "@/server/db";
import { needConversation, ruleLabel, ticketChange } from "./steps";
import type { RuleAction } from "./types";

export const setStatus: RuleAction<"set_status"> = async (a, x) => {
  const label = ruleLabel(x);
  await needConversation(x);
  return ticketChange(x, a.type, async (conv) => {
    if (conv.status === a.status) return null;
    const now = new Date();
    const data: Prisma.ConversationUncheckedUpdateInput = { status: a.status };
    if (a.status === "resolved") data.resolvedAt = now;
    // A snooze always has a wake-up time (the snooze waker reopens it then).
    const until = a.status === "snoozed" ? new Date(now.getTime() + (a.snoozeHours ?? 24) * 3_600_000) : null;
    data.snoozedUntil = until;
    return {
      data,
      name: "status",
      text: `${label} changed status from ${conv.status} to ${a.status}${until ? ` until ${until.toISOString()}` : ""}`,
      payload: { from: conv.status, to: a.status, ...(until ? { until: until.toISOString() } : {}) },
      changes: { status: a.status, snoozedUntil: until?.toISOString() ?? null, ...(a.status === "resolved" ? { resolvedAt: now.toISOString() } : {}) },
    };
  });
};
