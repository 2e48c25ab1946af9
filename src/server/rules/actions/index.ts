// The rule actions, one module each, keyed by action type. The table's type
// makes it exhaustive against the action schema (../schema.ts): a new action
// type without a handler here does not compile.
import type { Action } from "../schema";
import { assign } from "./assign";
import { notify } from "./notify";
import { openTicket } from "./open-ticket";
import { sendMessage } from "./send-message";
import { sendSurveyAction } from "./send-survey";
import { setPriority } from "./set-priority";
import { setStatus } from "./set-status";
import { changeTags } from "./tags";
import type { ActionType, Exec, RuleAction } from "./types";
import { webhook } from "./webhook";

export type { Exec, LoadedRule, RuleAction } from "./types";
export { signWebhook } from "./webhook";

export const RULE_ACTIONS: { [T in ActionType]: RuleAction<T> } = {
  add_tags: changeTags,
  remove_tags: changeTags,
  set_priority: setPriority,
  set_status: setStatus,
  assign,
  send_message: sendMessage,
  open_ticket: openTicket,
  send_survey: sendSurveyAction,
  notify,
  webhook,
};

/** Runs one action of a rule run; returns its detail for the run log, or throws. */
export function runAction(a: Action, x: Exec): Promise<string> {
  const run = RULE_ACTIONS[a.type] as (action: Action, x: Exec) => Promise<string>;
  return run(a, x);
}
