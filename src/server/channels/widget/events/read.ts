// read {}: the visitor read every agent message of their conversations.
import type { Acks } from "../protocol";
import { markRead } from "../service";
import type { WidgetEventContext } from "./context";

export async function onRead(ctx: WidgetEventContext): Promise<Acks["read"]> {
  return { count: await markRead(ctx.session) };
}
