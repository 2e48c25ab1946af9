// message:send: stores a visitor message once per client id, acknowledged after commit.
import type { Acks, ClientEvents } from "../protocol";
import { sendMessage } from "../service";
import type { WidgetEventContext } from "./context";

export async function onMessageSend(ctx: WidgetEventContext, input: ClientEvents["message:send"]): Promise<Acks["message:send"]> {
  const { socket } = ctx;
  const r = await sendMessage(ctx.session, input);
  await ctx.afterWrite(r.customerId);
  socket.data.conversation = { id: r.conversationId, at: Date.now() };
  // A sent message ends "is typing…" for the agents.
  if (socket.data.typingAt) {
    socket.data.typingAt = 0;
    ctx.emitTyping(r.conversationId, false);
  }
  return { id: r.id, clientId: input.clientId, createdAt: r.createdAt, duplicate: r.duplicate };
}
