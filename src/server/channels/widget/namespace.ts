// The "/widget" socket.io namespace: website visitors chatting from the widget.
// The protocol (handshake, events, payloads) is described and typed in
// protocol.ts. Here: the namespace's setup, handshake admission and the event
// table; each client event's handler is in events/<event>.ts, server pushes
// driven by the event bus in push.ts, agent presence in presence.ts.
import type { Namespace, Server } from "socket.io";
import { bus } from "@/server/events/bus";
import { db } from "@/server/db";
import { addSocketHandler } from "@/server/realtime/handlers";
import { findWidgetInbox, originAllowed, widgetInboxById } from "./config";
import { checkIdentity } from "./identity";
import { admitVisitor } from "./socket-tokens";
import { announceAgentsOnline } from "./presence";
import {
  articleViewSchema,
  chunkSchema,
  handshakeSchema,
  historySchema,
  pageviewSchema,
  prechatSchema,
  readSchema,
  sendSchema,
  typingSchema,
  type RefusalCode,
  type Refusal,
  type TypingEvent,
} from "./protocol";
import { onBusEvent, pushMessage } from "./push";
import { widgetRooms } from "./rooms";
import { UploadBuffer } from "./uploads";
import { Visitors, type VisitorSocket } from "./events/context";
import { handle } from "./events/handle";
import { onArticleView } from "./events/article-view";
import { onAttachmentChunk } from "./events/attachment-chunk";
import { onHistory } from "./events/history";
import { onMessageSend } from "./events/message-send";
import { onPageview } from "./events/pageview";
import { onPrechat } from "./events/prechat";
import { onRead } from "./events/read";
import { startSession } from "./events/session";
import { onTyping } from "./events/typing";

const g = globalThis as unknown as { __tlWidgetNs?: Namespace };

/** The namespace, for route handlers in the same process (article views over HTTP). */
export function widgetNamespace(): Namespace | undefined {
  return g.__tlWidgetNs;
}

function refusal(code: RefusalCode, message: string, extra: Omit<Refusal, "code" | "message"> = {}) {
  const err = new Error(code) as Error & { data?: unknown };
  err.data = { code, message, ...extra } satisfies Refusal;
  return err;
}

export function attachWidgetNamespace(io: Server): () => void {
  const ns = io.of("/widget");
  g.__tlWidgetNs = ns;
  const visitors = new Visitors(io);

  ns.use(async (raw, next) => {
    const socket = raw as VisitorSocket;
    try {
      const parsed = handshakeSchema.safeParse(socket.handshake.auth ?? {});
      if (!parsed.success) return next(refusal("invalid_handshake", "The widget sent an invalid handshake."));
      const auth = parsed.data;
      const inbox = await findWidgetInbox(auth.inbox);
      if (!inbox) return next(refusal("unknown_inbox", "This chat is not available."));
      if (!originAllowed(inbox, socket.handshake.headers.origin)) return next(refusal("origin_not_allowed", "This chat is not available on this website."));
      const identity = checkIdentity(auth.identity, inbox.settings.requireVerifiedIdentity);
      if (!identity.ok) return next(refusal(identity.code, identity.message));
      const admitted = await admitVisitor(auth, identity.verified !== null);
      if (!admitted.ok) {
        // A reused token retired all of the visitor's tokens: whoever holds a socket now goes too.
        if (admitted.reused && auth.visitorId) ns.in(widgetRooms.visitor(inbox.id, auth.visitorId)).disconnectSockets(true);
        return next(refusal("invalid_visitor", "This visitor token is not valid (any more).", { reason: admitted.reason }));
      }
      const { visitorId, issued } = admitted;
      socket.data.session = {
        inboxId: inbox.id,
        publicId: inbox.publicId,
        visitorId,
        verified: identity.verified,
        claimedEmail: identity.claimedEmail,
        name: identity.name,
      };
      socket.data.inbox = inbox;
      socket.data.issued = issued;
      socket.data.token = admitted.token;
      socket.data.customerId = null;
      socket.data.conversation = null;
      socket.data.uploads = new UploadBuffer();
      socket.data.typingAt = 0;
      next();
    } catch (error) {
      console.error(`[widget] handshake failed: ${(error as Error).message}`);
      next(refusal("server_error", "The chat is temporarily unavailable."));
    }
  });

  ns.on("connection", (raw) => {
    const socket = raw as VisitorSocket;
    const s = socket.data.session;
    void socket.join(widgetRooms.visitor(s.inboxId, s.visitorId));
    visitors.add(socket);
    const ctx = visitors.context(socket);

    // The event table: event, rate-limit action, payload schema, handler.
    handle(socket, "history", "history", historySchema, (input) => onHistory(ctx, input));
    handle(socket, "message:send", "message", sendSchema, (input) => onMessageSend(ctx, input));
    handle(socket, "typing", "typing", typingSchema, (input) => onTyping(ctx, input));
    handle(socket, "read", "read", readSchema, () => onRead(ctx));
    handle(socket, "prechat", "prechat", prechatSchema, (input) => onPrechat(ctx, input));
    handle(socket, "pageview", "pageview", pageviewSchema, (input) => onPageview(ctx, input));
    handle(socket, "article:view", "article", articleViewSchema, (input) => onArticleView(ctx, input));
    handle(socket, "attachment:chunk", "upload", chunkSchema, (input) => onAttachmentChunk(ctx, input));

    const stopRenewing = startSession(ns, ctx);

    socket.on("disconnect", () => {
      stopRenewing();
      socket.data.uploads.clear();
      if (socket.data.typingAt) ctx.emitTyping(socket.data.conversation?.id ?? null, false);
      visitors.remove(socket);
    });

    void visitors.bindCustomer(socket).catch((error: unknown) => console.error(`[widget] resolving visitor failed: ${(error as Error).message}`));
  });

  // Agents online (a console socket on any process): tell this process's visitors when that changes.
  const stopPresence = announceAgentsOnline(io, ns);

  const off = bus.on((event) => onBusEvent(ns, event, visitors));

  return () => {
    off();
    stopPresence();
    if (g.__tlWidgetNs === ns) g.__tlWidgetNs = undefined;
  };
}

/** For the outbox's chat sender: (re)push an agent message to the visitor. */
export async function pushAgentMessage(messageId: string): Promise<number> {
  const ns = g.__tlWidgetNs;
  return ns ? pushMessage(ns, messageId) : 0;
}

/**
 * Agents typing in a widget conversation: the console emits "typing"
 * { conversationId, typing, note? } on its socket; the visitor sees
 * "<first name> is typing…" (never while an agent writes a note).
 */
addSocketHandler(({ socket }) => {
  socket.on("typing", async (payload: unknown) => {
    try {
      const p = payload as { conversationId?: unknown; typing?: unknown; note?: unknown; isNote?: unknown } | null;
      if (!p || typeof p.conversationId !== "string" || !/^[0-9a-f-]{36}$/i.test(p.conversationId)) return;
      // Writing an internal note is nobody's business but the team's.
      if (p.note === true || p.isNote === true) return;
      const ns = g.__tlWidgetNs;
      if (!ns) return;
      const conv = await db.conversation.findUnique({ where: { id: p.conversationId }, select: { inboxId: true, customerId: true } });
      if (!conv) return;
      const inboxes = socket.data.inboxes;
      if (inboxes !== "all" && !inboxes.includes(conv.inboxId)) return;
      if (!(await widgetInboxById(conv.inboxId))) return;
      const name = socket.data.viewer.name?.split(/\s+/)[0] ?? "Support";
      ns.to(widgetRooms.customer(conv.inboxId, conv.customerId)).emit("typing", { typing: p.typing !== false, agent: { name } } satisfies TypingEvent);
    } catch (error) {
      console.error(`[widget] agent typing failed: ${(error as Error).message}`);
    }
  });
});
