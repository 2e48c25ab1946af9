// The widget's socket.io connection to the "/widget" namespace, with the
// visitor's identity (kept in the HOST page's localStorage, namespaced per inbox
// and per signed-in user) and an outbox: every message is stored locally with
// a client id until the server acknowledges it — after commit — and is resent
// after a reconnect or reload; the server stores each client id once.
//
// The visitor token expires and rotates: the server hands a new one on
// (re)connect ("session") and while connected ("token"); it is stored at once
// and acknowledged (which retires the old one), and every connect reads
// storage afresh, so all tabs of the visitor follow whichever tab renewed
// last. A tab holding a superseded token is disconnected by the server and
// simply reconnects.
import { io, type Socket } from "socket.io-client";
import type { Ack, OutboxEntry, Settings } from "./types";
import { load, remove, save } from "./util";

export type Fatal = { code: string; message: string };

export type ConnectionEvents = {
  connect: () => void;
  disconnect: () => void;
  fatal: (f: Fatal) => void;
  event: (name: string, payload: unknown) => void;
};

const FATAL = ["identity_rejected", "verification_required", "unknown_inbox", "origin_not_allowed", "invalid_handshake"];

export class Connection {
  readonly socket: Socket;
  private keyBase: string;
  private retriedVisitor = false;
  /** The token the last handshake carried: a refusal of it may be stale if another tab stored a newer one. */
  private sentToken: string | undefined;
  outbox: OutboxEntry[];
  ever = false;

  constructor(
    origin: string,
    private inbox: string,
    private settings: Settings,
    private on: ConnectionEvents,
  ) {
    // Separate storage per signed-in user: after a sign-out the next person on
    // this browser does not continue the previous user's visitor.
    const slot = settings.userHash ? `u${String(settings.userHash).slice(0, 16)}` : "a";
    this.keyBase = `throughline:${inbox}:${slot}`;
    this.outbox = load<OutboxEntry[]>(`${this.keyBase}:outbox`, []);
    this.socket = io(`${origin}/widget`, {
      path: "/socket.io",
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelayMax: 10_000,
      auth: (cb) => cb(this.auth()),
    });
    const s = this.socket;
    s.on("connect", () => {
      this.ever = true;
      on.connect();
    });
    s.on("disconnect", (reason) => {
      on.disconnect();
      // The server drops tabs whose token another tab renewed: back with the stored one.
      if (reason === "io server disconnect") s.connect();
    });
    s.on("connect_error", (err: Error & { data?: { code?: string; message?: string } }) => {
      const code = err.data?.code ?? err.message;
      if (code === "invalid_visitor" && this.visitor()?.token !== this.sentToken) {
        s.connect(); // another tab stored a newer token meanwhile
      } else if (code === "invalid_visitor" && !this.retriedVisitor) {
        // Our stored visitor is not recognised (expired, superseded, another secret): start afresh.
        this.retriedVisitor = true;
        remove(`${this.keyBase}:visitor`);
        s.connect();
      } else if (FATAL.includes(code)) {
        on.fatal({ code, message: err.data?.message ?? "The chat is unavailable." });
      } else if (!s.active) {
        setTimeout(() => s.connect(), 5_000);
      }
    });
    s.onAny((name: string, payload: unknown, ack?: unknown) => {
      if (name === "session" || name === "token") {
        // A null token: another tab renewed a moment ago; storage has the current one.
        const p = payload as { visitorId: string; visitorToken: string | null };
        if (p.visitorToken) save(`${this.keyBase}:visitor`, { id: p.visitorId, token: p.visitorToken });
        // Stored: the server may now retire the previous token.
        if (typeof ack === "function") ack();
      }
      on.event(name, payload);
    });
  }

  get connected() {
    return this.socket.connected;
  }

  visitor(): { id: string; token: string } | null {
    return load<{ id: string; token: string } | null>(`${this.keyBase}:visitor`, null);
  }

  private auth() {
    const v = this.visitor();
    this.sentToken = v?.token;
    const identity: Record<string, string> = {};
    for (const k of ["userId", "email", "name", "userHash"] as const) {
      const val = this.settings[k];
      if (val !== undefined && val !== null && String(val) !== "") identity[k] = String(val);
    }
    return { inbox: this.inbox, visitorId: v?.id, visitorToken: v?.token, identity: Object.keys(identity).length ? identity : undefined };
  }

  get(key: string) {
    return load<unknown>(`${this.keyBase}:${key}`, null);
  }
  set(key: string, value: unknown) {
    save(`${this.keyBase}:${key}`, value);
  }

  /** Emit with an acknowledgement; rejects on timeout or when not connected. */
  request(event: string, payload: unknown, timeoutMs = 15_000): Promise<Ack> {
    return new Promise((resolve, reject) => {
      if (!this.socket.connected) return reject(new Error("offline"));
      this.socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: Ack) => (err ? reject(err) : resolve(res)));
    });
  }

  /** Fire-and-forget, dropped when offline (typing). */
  volatile(event: string, payload: unknown) {
    if (this.socket.connected) this.socket.volatile.emit(event, payload);
  }

  saveOutbox() {
    this.set("outbox", this.outbox);
  }

  enqueue(entry: OutboxEntry) {
    this.outbox.push(entry);
    this.saveOutbox();
  }

  drop(clientId: string) {
    this.outbox = this.outbox.filter((e) => e.clientId !== clientId);
    this.saveOutbox();
  }

  private flushing = false;

  /**
   * Sends the outbox in order, one at a time. Acked → removed (onSent);
   * refused for good → removed (onFailed); offline/timeout → kept for the next
   * connect; rate limited → waits and goes on.
   */
  async flush(onSent: (e: OutboxEntry, ack: Ack) => void, onFailed: (e: OutboxEntry, ack: Ack) => void) {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.outbox.length && this.socket.connected) {
        const entry = this.outbox[0]!;
        let ack: Ack;
        try {
          ack = await this.request(
            "message:send",
            { clientId: entry.clientId, text: entry.text, attachments: entry.attachments, context: entry.context ? { articleId: entry.context.articleId } : undefined, page: entry.page },
            20_000,
          );
        } catch {
          break; // offline or no answer: resent after the next connect
        }
        if (ack.ok) {
          this.drop(entry.clientId);
          onSent(entry, ack);
        } else if (ack.error === "rate_limited" || ack.error === "server_error") {
          await new Promise((r) => setTimeout(r, Math.min(Number(ack.retryAfter) || 3_000, 30_000)));
        } else {
          this.drop(entry.clientId);
          onFailed(entry, ack);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
