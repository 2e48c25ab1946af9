// The widget's socket.io connection to the "/widget" namespace, with the
// visitor's identity (kept in the HOST page's localStorage, namespaced per inbox
// and per signed-in user; the outbox, outbox.ts, is kept there too).
//
// The visitor token expires and rotates: the server hands a new one on
// (re)connect ("session") and while connected ("token"); it is stored at once
// and acknowledged (which retires the old one), and every connect reads
// storage afresh, so all tabs of the visitor follow whichever tab renewed
// last. A tab holding a superseded token is disconnected by the server and
// simply reconnects.
import { io, type Socket } from "socket.io-client";
import type { Ack, ClientEvent, ClientEvents, Handshake, Refusal, RefusalCode, ServerEvents, Settings } from "./types";
import { load, remove, save } from "./util";
import { t } from "./i18n";

export type Fatal = { code: string; message: string };

export type ConnectionEvents = {
  connect: () => void;
  disconnect: () => void;
  fatal: (f: Fatal) => void;
  event: (name: string, payload: unknown) => void;
};

const FATAL: string[] = ["identity_rejected", "verification_required", "unknown_inbox", "origin_not_allowed", "invalid_handshake"] satisfies RefusalCode[];

export class Connection {
  readonly socket: Socket;
  private keyBase: string;
  private retriedVisitor = false;
  /** The token the last handshake carried: a refusal of it may be stale if another tab stored a newer one. */
  private sentToken: string | undefined;
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
    s.on("connect_error", (err: Error & { data?: Partial<Refusal> }) => {
      const code = err.data?.code ?? err.message;
      if (code === "invalid_visitor" && this.visitor()?.token !== this.sentToken) {
        s.connect(); // another tab stored a newer token meanwhile
      } else if (code === "invalid_visitor" && !this.retriedVisitor) {
        // Our stored visitor is not recognised (expired, superseded, another secret): start afresh.
        this.retriedVisitor = true;
        remove(`${this.keyBase}:visitor`);
        s.connect();
      } else if (FATAL.includes(code)) {
        on.fatal({ code, message: err.data?.message ?? t("panel.fatal") });
      } else if (!s.active) {
        setTimeout(() => s.connect(), 5_000);
      }
    });
    s.onAny((name: string, payload: unknown, ack?: unknown) => {
      if (name === "session" || name === "token") {
        // A null token: another tab renewed a moment ago; storage has the current one.
        const p = payload as ServerEvents["session" | "token"];
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

  private auth(): Handshake {
    const v = this.visitor();
    this.sentToken = v?.token;
    const identity: Record<string, string> = {};
    for (const k of ["userId", "email", "name", "userHash"] as const) {
      const val = this.settings[k];
      if (val !== undefined && val !== null && String(val) !== "") identity[k] = String(val);
    }
    return { inbox: this.inbox, visitorId: v?.id, visitorToken: v?.token, identity: Object.keys(identity).length ? identity : undefined };
  }

  get<T = unknown>(key: string, fallback: T | null = null) {
    return load<T | null>(`${this.keyBase}:${key}`, fallback);
  }
  set(key: string, value: unknown) {
    save(`${this.keyBase}:${key}`, value);
  }

  /** Emit with an acknowledgement; rejects on timeout or when not connected. */
  request<E extends ClientEvent>(event: E, payload: ClientEvents[E], timeoutMs = 15_000): Promise<Ack<E>> {
    return new Promise((resolve, reject) => {
      if (!this.socket.connected) return reject(new Error("offline"));
      this.socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: Ack<E>) => (err ? reject(err) : resolve(res)));
    });
  }

  /** Fire-and-forget, dropped when offline (typing). */
  volatile<E extends ClientEvent>(event: E, payload: ClientEvents[E]) {
    if (this.socket.connected) this.socket.volatile.emit(event, payload);
  }
}
