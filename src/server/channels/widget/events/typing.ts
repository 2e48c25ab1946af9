// typing {typing}: relayed to the agents as "visitor.typing" (conversation and customer rooms).
import type { Acks, ClientEvents } from "../protocol";
import type { WidgetEventContext } from "./context";

export async function onTyping(ctx: WidgetEventContext, input: ClientEvents["typing"]): Promise<Acks["typing"]> {
  ctx.socket.data.typingAt = input.typing ? Date.now() : 0;
  ctx.emitTyping(await ctx.conversation(), input.typing);
  return {};
}
