// set_priority: the conversation's priority (also used by open_ticket for the ticket it opens).
import { needConversation, ruleLabel, ticketChange, type ConvLock, type TicketChange } from "./steps";
import type { ActionOf, Exec, RuleAction } from "./types";

/** The change to `priority`, or null when the conversation has it already. */
export function priorityChange(x: Exec, priority: ActionOf<"set_priority">["priority"]) {
  return async (conv: ConvLock): Promise<TicketChange | null> =>
    conv.priority === priority
      ? null
      : { data: { priority }, name: "priority", text: `${ruleLabel(x)} set priority to ${priority}`, payload: { from: conv.priority, to: priority }, changes: { priority } };
}

export const setPriority: RuleAction<"set_priority"> = async (a, x) => {
  await needConversation(x);
  return ticketChange(x, a.type, priorityChange(x, a.priority));
};
