// history {before?, limit?}: a page of the visitor's own messages, newest page first.
import type { Acks, ClientEvents } from "../protocol";
import { history } from "../service";
import type { WidgetEventContext } from "./context";

export async function onHistory(ctx: WidgetEventContext, input: ClientEvents["history"]): Promise<Acks["history"]> {
  const page = await history(ctx.session, { before: input.before, limit: input.limit });
  return page;
}
