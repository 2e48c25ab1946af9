// The "/widget" socket.io namespace: website visitors chatting from the widget.
//
// Handshake (socket.auth): { inbox, visitorId?, visitorToken?, identity? }.
// The Origin header must be one of the inbox's allowed origins (exact scheme,
// host and port) when it lists any. Refusals arrive as connect_error with
// err.message = code and err.data = { code, message, reason? }:
// invalid_handshake, unknown_inbox, origin_not_allowed, invalid_visitor
// (reason "invalid": the token is not this id's; "expired": past 30 days
// since its last renewal; "superseded": an earlier generation, after the
// grace — re-read storage, another tab may hold the current one),
// identity_rejected (wrong userHash), verification_required (verified mode,
// no valid identity).
//
// Visitor tokens ("v2.<issued-at>.<generation>.<mac>", visitor-tokens.ts)
// expire after 24 h and are renewed on every (re)connect — the session
// event's visitorToken replaces the stored one; null means "keep yours"
// (another tab renewed a moment ago) — and, while connected, at 12 h by a
// "token" event { visitorId, visitorToken }. Acknowledge both once the token
// is stored: that raises the visitor's generation. Sockets still holding an
// older generation are then disconnected once the 60 s grace has passed
// ("io server disconnect"): reconnect with the stored token.
//
// Rooms: every socket joins visitor:<inboxId>:<visitorId> and, once the
// visitor has a customer, wcust:<inboxId>:<customerId> — agent replies are
// pushed to the latter (all tabs and devices of that customer). The customer
// is always derived from the socket's own verified session.
//
// Client events (all acknowledged with { ok: true, ... } or { ok: false, error, message? }):
//   history {before?, limit?}            → { messages, nextCursor, unread }
//   message:send {clientId, text, attachments?, context?, page?} → { id, createdAt, duplicate } after commit
//   typing {typing}                      → agents get "visitor.typing" in the conversation's and customer's rooms
//   read {}                              → marks agent messages read (message.status on the bus)
//   prechat {name?, email?}              → name + unverified email claim
//   pageview {url, title?}               → product_event "page_view" (unless the inbox disables it)
//   article:view {articleId}             → article_view touchpoint; ack carries the article
//   attachment:chunk {uploadId, filename, contentType, size, offset, data} → { received, done?, attachmentId? }
// Server events: session {visitorId, visitorToken, issued, verified, name, email, config}, token, message, message:status, typing, presence.
import type { Namespace, Server, Socket } from "socket.io";
import type { z } from "zod";
import { bus, type DomainEvent } from "@/server/events/bus";
import { db } from "@/server/db";
import { InvalidIdentityError } from "@/server/customers/normalize";
import { TouchpointError } from "@/server/timeline/ingest";
import { customerEventRooms, rooms } from "@/server/realtime/rooms";
import { addSocketHandler } from "@/server/realtime/handlers";
import { agentsOnline, AGENTS_ONLINE_RECHECK_MS, findWidgetInbox, originAllowed, publicConfig, refreshAgentsOnline, widgetInboxById, type WidgetInbox } from "./config";
import { checkIdentity, type VisitorSession } from "./identity";
import { admitVisitor, keepTokenFresh, sweepSupersededTabs, tokenReceipt, type SocketToken } from "./socket-tokens";
import {
  articleViewSchema,
  chunkSchema,
  handshakeSchema,
  historySchema,
  pageviewSchema,
  prechatSchema,
  RATE_LIMITS,
  readSchema,
  sendSchema,
  typingSchema,
} from "./protocol";
import { RateLimiter } from "./rate-limit";
import {
  currentConversationId,
  history,
  loadWidgetMessage,
  markDelivered,
  markRead,
  recordArticleView,
  recordPageView,
  savePrechat,
  sendMessage,
  visitorCustomerId,
  WidgetError,
} from "./service";
import { sniffImage, stageAttachment, TooManyStagedError, UploadBuffer } from "./uploads";

export const widgetRooms = {
  visitor: (inboxId: string, visitorId: string) => `visitor:${inboxId}:${visitorId}`,
  customer: (inboxId: string, customerId: string) => `wcust:${inboxId}:${customerId}`,
};

type SocketData = {
  session: VisitorSession;
  inbox: WidgetInbox;
  issued: boolean;
  token: SocketToken;
  customerId: string | null;
  conversation: { id: string | null; at: number } | null;
  uploads: UploadBuffer;
  typingAt: number;
};
type VisitorSocket = Socket & { data: SocketData };
type Ack = (response: unknown) => void;

const limiter = new RateLimiter(RATE_LIMITS);
const g = globalThis as unknown as { __tlWidgetNs?: Namespace };

/** The namespace, for route handlers in the same process (article views over HTTP). */
export function widgetNamespace(): Namespace | undefined {
  return g.__tlWidgetNs;
}

function refusal(code: string, message: string, extra: Record<string, unknown> = {}) {
  const err = new Error(code) as Error & { data?: unknown };
  err.data = { code, message, ...extra };
  return err;
}

export function attachWidgetNamespace(io: Server): () => void {
  const ns = io.of("/widget");
  g.__tlWidgetNs = ns;
  /** Local sockets by visitor, so a write in one tab rebinds the visitor's other tabs. */
  const byVisitor = new Map<string, Set<VisitorSocket>>();

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

  async function bindCustomer(socket: VisitorSocket, known?: string | null) {
    const s = socket.data.session;
    const customerId = known !== undefined ? known : await visitorCustomerId(s);
    if (customerId === socket.data.customerId) return;
    for (const room of socket.rooms) if (room.startsWith("wcust:")) void socket.leave(room);
    socket.data.customerId = customerId;
    socket.data.conversation = null;
    if (customerId) void socket.join(widgetRooms.customer(s.inboxId, customerId));
  }

  /** After a write resolved the visitor to customerId: rebind this visitor's tabs that disagree. */
  async function afterWrite(socket: VisitorSocket, customerId: string) {
    await bindCustomer(socket, customerId);
    const key = `${socket.data.session.inboxId}:${socket.data.session.visitorId}`;
    for (const other of byVisitor.get(key) ?? []) {
      if (other !== socket && other.data.customerId !== customerId) await bindCustomer(other).catch(() => undefined);
    }
  }

  async function conversationOf(socket: VisitorSocket): Promise<string | null> {
    const c = socket.data.conversation;
    if (c && Date.now() - c.at < 30_000) return c.id;
    const customerId = socket.data.customerId;
    const id = customerId ? await currentConversationId(customerId, socket.data.session.inboxId) : null;
    socket.data.conversation = { id, at: Date.now() };
    return id;
  }

  function handle<S extends z.ZodType>(socket: VisitorSocket, event: string, action: keyof typeof RATE_LIMITS, schema: S, fn: (input: z.infer<S>) => Promise<Record<string, unknown>>) {
    socket.on(event, async (payload: unknown, maybeAck?: unknown) => {
      const ack: Ack = typeof maybeAck === "function" ? (maybeAck as Ack) : typeof payload === "function" ? (payload as Ack) : () => undefined;
      if (typeof payload === "function") payload = undefined;
      const wait = await limiter.hit(socket.data.session.visitorId, action);
      if (wait > 0) return ack({ ok: false, error: "rate_limited", message: "Slow down a little.", retryAfter: wait });
      const parsed = schema.safeParse(payload);
      if (!parsed.success) return ack({ ok: false, error: "invalid_payload", message: parsed.error.issues[0]?.message ?? "invalid payload" });
      try {
        ack({ ok: true, ...(await fn(parsed.data)) });
      } catch (error) {
        if (error instanceof WidgetError) return ack({ ok: false, error: error.code, message: error.message, ...error.extra });
        if (error instanceof InvalidIdentityError) return ack({ ok: false, error: "invalid_payload", message: error.message });
        // Refused input (not a fault): the widget must not resend it.
        if (error instanceof TouchpointError && error.code === "invalid_input") return ack({ ok: false, error: "invalid_payload", message: error.message });
        console.error(`[widget] ${event} failed: ${(error as Error).stack ?? error}`);
        ack({ ok: false, error: "server_error", message: "Something went wrong. Please try again." });
      }
    });
  }

  function emitVisitorTyping(socket: VisitorSocket, conversationId: string | null, typing: boolean) {
    const s = socket.data.session;
    const customerId = socket.data.customerId;
    if (!customerId) return;
    const targets = customerEventRooms(customerId, s.inboxId);
    if (conversationId) targets.push(rooms.conversation(conversationId));
    io.of("/").to(targets).emit("visitor.typing", { conversationId, customerId, inboxId: s.inboxId, typing, at: new Date().toISOString() });
  }

  ns.on("connection", (raw) => {
    const socket = raw as VisitorSocket;
    const s = socket.data.session;
    const key = `${s.inboxId}:${s.visitorId}`;
    void socket.join(widgetRooms.visitor(s.inboxId, s.visitorId));
    const set = byVisitor.get(key) ?? new Set();
    set.add(socket);
    byVisitor.set(key, set);

    handle(socket, "history", "history", historySchema, async (input) => {
      const page = await history(s, { before: input.before, limit: input.limit });
      return page;
    });

    handle(socket, "message:send", "message", sendSchema, async (input) => {
      const r = await sendMessage(s, input);
      await afterWrite(socket, r.customerId);
      socket.data.conversation = { id: r.conversationId, at: Date.now() };
      if (socket.data.typingAt) {
        socket.data.typingAt = 0;
        emitVisitorTyping(socket, r.conversationId, false);
      }
      return { id: r.id, clientId: input.clientId, createdAt: r.createdAt, duplicate: r.duplicate };
    });

    handle(socket, "typing", "typing", typingSchema, async (input) => {
      socket.data.typingAt = input.typing ? Date.now() : 0;
      emitVisitorTyping(socket, await conversationOf(socket), input.typing);
      return {};
    });

    handle(socket, "read", "read", readSchema, async () => ({ count: await markRead(s) }));

    handle(socket, "prechat", "prechat", prechatSchema, async (input) => {
      const r = await savePrechat(s, input);
      if (r.name) s.name = r.name;
      if (r.email && !s.verified?.email) s.claimedEmail = r.email;
      await afterWrite(socket, r.customerId);
      return { name: s.name, email: s.verified?.email ?? s.claimedEmail };
    });

    handle(socket, "pageview", "pageview", pageviewSchema, async (input) => {
      if (!socket.data.inbox.settings.trackPageViews) return { skipped: true };
      const r = await recordPageView(s, input);
      await afterWrite(socket, r.customerId);
      return { id: r.eventId };
    });

    handle(socket, "article:view", "article", articleViewSchema, async (input) => {
      const { article, result } = await recordArticleView(s, input.articleId);
      await afterWrite(socket, result.customerId);
      return { article: { id: article.id, slug: article.slug, title: article.title, category: article.category, body: article.body } };
    });

    handle(socket, "attachment:chunk", "upload", chunkSchema, async (input) => {
      const data = Buffer.isBuffer(input.data) ? input.data : Buffer.from(input.data instanceof ArrayBuffer ? new Uint8Array(input.data) : input.data);
      const r = socket.data.uploads.add(input.uploadId, input, input.offset, data);
      if (!r.ok) {
        const message = r.error === "too_large" ? "Images can be up to 5 MB." : r.error === "unsupported_type" ? "Only PNG, JPEG, GIF and WebP images can be sent." : r.error;
        throw new WidgetError(r.error, message, r.received !== undefined ? { received: r.received } : {});
      }
      if (!r.done) return { received: r.received };
      if (!sniffImage(r.done.data, r.done.contentType)) throw new WidgetError("unsupported_type", "That file is not a valid image.");
      const attachmentId = await stageAttachment(s.inboxId, s.visitorId, r.done).catch((error: unknown) => {
        if (error instanceof TooManyStagedError) throw new WidgetError("too_many_uploads", "Please send the images you attached before adding more.");
        throw error;
      });
      return { received: r.received, done: true, attachmentId };
    });

    const visitorRoom = widgetRooms.visitor(s.inboxId, s.visitorId);
    const sweep = (generation: number) => sweepSupersededTabs(ns, visitorRoom, generation);
    if (socket.data.token.committed) sweep(socket.data.token.generation);
    const stopRenewing = keepTokenFresh(socket, sweep);

    socket.on("disconnect", () => {
      stopRenewing();
      socket.data.uploads.clear();
      if (socket.data.typingAt) emitVisitorTyping(socket, socket.data.conversation?.id ?? null, false);
      const peers = byVisitor.get(key);
      peers?.delete(socket);
      if (peers && peers.size === 0) byVisitor.delete(key);
    });

    socket.emit(
      "session",
      {
        visitorId: s.visitorId,
        visitorToken: socket.data.token.value,
        issued: socket.data.issued,
        verified: s.verified !== null,
        name: s.name,
        email: s.verified?.email ?? s.claimedEmail,
        config: publicConfig(socket.data.inbox),
      },
      tokenReceipt(socket, sweep),
    );
    void bindCustomer(socket).catch((error: unknown) => console.error(`[widget] resolving visitor failed: ${(error as Error).message}`));
  });

  // Agents online (a console socket on any process): tell this process's
  // visitors when that changes. Local connects answer at once; agents on other
  // processes show through users.online_until, re-read every few seconds.
  let lastOnline = agentsOnline();
  let checking = false;
  const presence = () =>
    setImmediate(() => {
      if (checking) return;
      checking = true;
      void refreshAgentsOnline()
        .then((online) => {
          if (online === lastOnline) return;
          lastOnline = online;
          ns.local.emit("presence", { online });
        })
        .catch(() => undefined)
        .finally(() => (checking = false));
    });
  const onAgent = (agent: Socket) => {
    presence();
    agent.on("disconnect", presence);
  };
  io.of("/").on("connection", onAgent);
  const recheck = setInterval(presence, AGENTS_ONLINE_RECHECK_MS);
  recheck.unref?.();

  const off = bus.on((event) => onBusEvent(ns, event, byVisitor, bindCustomer));

  return () => {
    off();
    clearInterval(recheck);
    io.of("/").off("connection", onAgent);
    if (g.__tlWidgetNs === ns) g.__tlWidgetNs = undefined;
  };
}

/**
 * Pushes a stored message to its customer's visitor sockets (in this
 * process). Re-read from the database, so the visitor gets exactly what
 * toWidgetMessage allows: internal notes never. Returns how many sockets got it.
 */
async function pushMessage(ns: Namespace, messageId: string): Promise<number> {
  const msg = await loadWidgetMessage(messageId);
  if (!msg) return 0;
  const { customerId, inboxId, conversationId: _c, outbound, ...payload } = msg;
  const room = widgetRooms.customer(inboxId, customerId);
  ns.to(room).emit("message", payload);
  if (outbound) ns.to(room).emit("typing", { typing: false });
  const reached = outbound ? await visitorSocketsIn(ns, room) : (ns.adapter.rooms.get(room)?.size ?? 0);
  // Sent (by the outbox) and a visitor socket has it: delivered.
  if (outbound && reached > 0) await markDelivered([], msg.id);
  return reached;
}

/** Visitor sockets in a room on this process, or else on any process (Redis adapter). */
async function visitorSocketsIn(ns: Namespace, room: string): Promise<number> {
  const local = ns.adapter.rooms.get(room)?.size ?? 0;
  if (local > 0) return local;
  return ns.in(room).fetchSockets().then((s) => s.length, () => 0);
}

/** For the outbox's chat sender: (re)push an agent message to the visitor. */
export async function pushAgentMessage(messageId: string): Promise<number> {
  const ns = g.__tlWidgetNs;
  return ns ? pushMessage(ns, messageId) : 0;
}

async function onBusEvent(
  ns: Namespace,
  event: DomainEvent,
  byVisitor: Map<string, Set<VisitorSocket>>,
  bindCustomer: (s: VisitorSocket) => Promise<void>,
) {
  switch (event.type) {
    case "timeline.created": {
      if (!event.inboxId || !event.conversationId) return;
      const item = event.item as { kind?: string; messageId?: string | null } | undefined;
      let messageId = item?.messageId ?? null;
      if (item) {
        // Only messages; internal notes never reach a visitor.
        if (item.kind !== "message" || !messageId) return;
      } else {
        const row = await db.timelineEvent.findUnique({ where: { id: event.eventId }, select: { kind: true, messageId: true } });
        if (!row || row.kind !== "message" || !row.messageId) return;
        messageId = row.messageId;
      }
      const inbox = await widgetInboxById(event.inboxId);
      if (!inbox) return;
      await pushMessage(ns, messageId);
      return;
    }
    case "message.status": {
      if (event.status !== "read" && event.status !== "sent") return;
      const inbox = await widgetInboxById(event.inboxId);
      if (!inbox) return;
      const msg = await loadWidgetMessage(event.messageId);
      if (!msg) return;
      const room = widgetRooms.customer(msg.inboxId, msg.customerId);
      if (event.status === "read") ns.to(room).emit("message:status", { id: msg.id, status: "read" });
      // Sent by the outbox and a visitor socket is here (it got the push): delivered.
      else if (msg.outbound && (await visitorSocketsIn(ns, room)) > 0) await markDelivered([], msg.id);
      return;
    }
    case "customer.merged":
    case "customer.unmerged": {
      // The visitor may now speak as another customer: every local socket of either re-resolves.
      const affected = new Set<VisitorSocket>();
      for (const set of byVisitor.values())
        for (const s of set) if (s.data.customerId === event.sourceId || s.data.customerId === event.targetId) affected.add(s);
      for (const s of affected) await bindCustomer(s).catch(() => undefined);
      return;
    }
    default:
      return;
  }
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
      ns.to(widgetRooms.customer(conv.inboxId, conv.customerId)).emit("typing", { typing: p.typing !== false, agent: { name } });
    } catch (error) {
      console.error(`[widget] agent typing failed: ${(error as Error).message}`);
    }
  });
});
