// A visitor socket's state and the context each /widget event handler gets:
// the socket, its session and inbox, and the helpers that keep the socket
// bound to the visitor's customer (Visitors: every local socket by visitor).
import type { Server, Socket } from "socket.io";
import { customerEventRooms, rooms } from "@/server/realtime/rooms";
import type { WidgetInbox } from "../config";
import type { VisitorSession } from "../identity";
import { widgetRooms } from "../rooms";
import { currentConversationId, visitorCustomerId } from "../service";
import type { SocketToken } from "../socket-tokens";
import type { UploadBuffer } from "../uploads";

export type SocketData = {
  session: VisitorSession;
  inbox: WidgetInbox;
  issued: boolean;
  token: SocketToken;
  customerId: string | null;
  conversation: { id: string | null; at: number } | null;
  uploads: UploadBuffer;
  typingAt: number;
};
export type VisitorSocket = Socket & { data: SocketData };

export type WidgetEventContext = {
  socket: VisitorSocket;
  /** The socket's own session (the same object as socket.data.session: pre-chat answers update it). */
  session: VisitorSession;
  inbox: WidgetInbox;
  /** After a write resolved the visitor to customerId: rebind this socket and the visitor's tabs that disagree. */
  afterWrite(customerId: string): Promise<void>;
  /** The conversation the visitor writes in now (looked up at most every 30 s). */
  conversation(): Promise<string | null>;
  /** Tells the agents watching the conversation or customer that the visitor is (no longer) typing. */
  emitTyping(conversationId: string | null, typing: boolean): void;
};

/** The local sockets of the namespace by visitor, so a write in one tab rebinds the visitor's other tabs. */
export class Visitors {
  private byVisitor = new Map<string, Set<VisitorSocket>>();

  constructor(private io: Server) {}

  private static key(socket: VisitorSocket) {
    return `${socket.data.session.inboxId}:${socket.data.session.visitorId}`;
  }

  add(socket: VisitorSocket) {
    const key = Visitors.key(socket);
    const set = this.byVisitor.get(key) ?? new Set();
    set.add(socket);
    this.byVisitor.set(key, set);
  }

  remove(socket: VisitorSocket) {
    const key = Visitors.key(socket);
    const peers = this.byVisitor.get(key);
    peers?.delete(socket);
    if (peers && peers.size === 0) this.byVisitor.delete(key);
  }

  *sockets(): Iterable<VisitorSocket> {
    for (const set of this.byVisitor.values()) yield* set;
  }

  /** Joins the room of the customer the visitor speaks as (known, or looked up), leaving any other. */
  async bindCustomer(socket: VisitorSocket, known?: string | null) {
    const s = socket.data.session;
    const customerId = known !== undefined ? known : await visitorCustomerId(s);
    if (customerId === socket.data.customerId) return;
    for (const room of socket.rooms) if (room.startsWith("wcust:")) void socket.leave(room);
    socket.data.customerId = customerId;
    socket.data.conversation = null;
    if (customerId) void socket.join(widgetRooms.customer(s.inboxId, customerId));
  }

  async afterWrite(socket: VisitorSocket, customerId: string) {
    await this.bindCustomer(socket, customerId);
    for (const other of this.byVisitor.get(Visitors.key(socket)) ?? []) {
      if (other !== socket && other.data.customerId !== customerId) await this.bindCustomer(other).catch(() => undefined);
    }
  }

  async conversationOf(socket: VisitorSocket): Promise<string | null> {
    const c = socket.data.conversation;
    if (c && Date.now() - c.at < 30_000) return c.id;
    const customerId = socket.data.customerId;
    const id = customerId ? await currentConversationId(customerId, socket.data.session.inboxId) : null;
    socket.data.conversation = { id, at: Date.now() };
    return id;
  }

  emitTyping(socket: VisitorSocket, conversationId: string | null, typing: boolean) {
    const s = socket.data.session;
    const customerId = socket.data.customerId;
    if (!customerId) return;
    const targets = customerEventRooms(customerId, s.inboxId);
    if (conversationId) targets.push(rooms.conversation(conversationId));
    this.io.of("/").to(targets).emit("visitor.typing", { conversationId, customerId, inboxId: s.inboxId, typing, at: new Date().toISOString() });
  }

  context(socket: VisitorSocket): WidgetEventContext {
    return {
      socket,
      session: socket.data.session,
      inbox: socket.data.inbox,
      afterWrite: (customerId) => this.afterWrite(socket, customerId),
      conversation: () => this.conversationOf(socket),
      emitTyping: (conversationId, typing) => this.emitTyping(socket, conversationId, typing),
    };
  }
}
