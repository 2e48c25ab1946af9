// What a rule action is given and what it is: a handler per action type
// (./index.ts has the table), run in order by the engine (../engine.ts).
import type { RuleContext } from "../conditions";
import type { Action, Condition, EventTrigger, TimerTrigger } from "../schema";

/** An enabled rule as the engine runs it (stored JSON parsed, invalid parts dropped). */
export type LoadedRule = { id: string; name: string; trigger: EventTrigger | TimerTrigger; conditions: Condition[]; actions: Action[] };

/** One run of a rule's actions: what fired it, and the conversation acted on (an action may open or find one). */
export type Exec = { rule: LoadedRule; ctx: RuleContext; triggerKey: string; depth: number; conversationId: string | null; index: number };

export type ActionType = Action["type"];
export type ActionOf<T extends ActionType> = Extract<Action, { type: T }>;

/** Runs one action of a rule; returns what it did (the run log's detail) or throws why it could not. */
export type RuleAction<T extends ActionType> = (action: ActionOf<T>, x: Exec) => Promise<string>;
