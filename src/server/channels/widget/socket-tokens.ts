// Visitor tokens on the "/widget" socket: who a handshake speaks as, when it
// gets a new token, and what happens to the tabs that hold an earlier one
// (the rules themselves are in visitor-tokens.ts).
//
// - Handshake: a valid token is renewed (a token of the next generation in
//   the "session" event), unless it is still fresh (handed back as it is) or
//   is the previous generation inside the grace (another tab just renewed:
//   session.visitorToken is null, "keep the token in your storage").
// - Connected: renewed at half its lifetime by a "token" event.
// - The widget acknowledges both once it has stored the token; only then is
//   the generation raised, and once the grace has passed this visitor's
//   sockets still holding an older generation are disconnected (any process).
//   The widget's tabs reconnect at once with the token their shared storage
//   now holds; a copy of an old token has nothing to reconnect with.
import type { Namespace } from "socket.io";
import { anonymousVisitorIsTaken, newVisitorId } from "./identity";
import type { TokenEvent } from "./protocol";
import { checkVisitorToken, commitGeneration, currentGeneration, graceMs, nextVisitorToken, RENEW_CONNECTED_AFTER_MS } from "./visitor-tokens";

export type SocketToken = {
  /** The generation this socket speaks with (for the sweep). */
  generation: number;
  issuedAt: number | null;
  /** What the session event hands the widget; null = keep the stored token. */
  value: string | null;
  /** `value` is a new generation, raised when the widget acknowledges it. */
  pending: boolean;
  /** The handshake itself raised the generation (first use of a token whose acknowledgement was lost). */
  committed: boolean;
};

export type Admission =
  | { ok: true; visitorId: string; issued: boolean; token: SocketToken }
  | { ok: false; reason: "invalid" | "expired" | "superseded"; reused?: boolean };

function freshVisitor(): Admission {
  const visitorId = newVisitorId();
  const t = nextVisitorToken(visitorId, 0);
  return { ok: true, visitorId, issued: true, token: { generation: t.generation, issuedAt: t.issuedAt, value: t.token, pending: true, committed: false } };
}

/** The visitor a handshake speaks as, with the token it leaves with. */
export async function admitVisitor(auth: { visitorId?: string; visitorToken?: string }, verified: boolean): Promise<Admission> {
  const visitorId = auth.visitorId;
  if (!visitorId) return freshVisitor();
  const check = await checkVisitorToken(visitorId, auth.visitorToken, "connect");
  if (!check.ok) return check;
  if (!verified && (await anonymousVisitorIsTaken(visitorId))) return freshVisitor();
  const kept = { generation: check.generation, issuedAt: check.issuedAt, pending: false, committed: check.committed };
  if (!check.current) return { ok: true, visitorId, issued: false, token: { ...kept, value: null } };
  if (!check.renew) return { ok: true, visitorId, issued: false, token: { ...kept, value: auth.visitorToken ?? null } };
  const next = nextVisitorToken(visitorId, check.generation);
  return { ok: true, visitorId, issued: false, token: { generation: next.generation, issuedAt: next.issuedAt, value: next.token, pending: true, committed: check.committed } };
}

type TokenSocket = {
  data: { session: { visitorId: string }; token: SocketToken };
  connected: boolean;
  emit: (event: string, ...args: unknown[]) => unknown;
  disconnect: (close?: boolean) => unknown;
};

/** Once the grace has passed: disconnect the sockets in `room` that hold a generation before `generation`. */
export function sweepSupersededTabs(ns: Namespace, room: string, generation: number) {
  const timer = setTimeout(() => {
    void ns
      .in(room)
      .fetchSockets()
      .then((sockets) => {
        for (const s of sockets) {
          const token = (s.data as { token?: SocketToken }).token;
          if (token && token.generation < generation) s.disconnect(true);
        }
      })
      .catch(() => undefined);
  }, graceMs() + 250);
  timer.unref?.();
}

/**
 * The acknowledgement callback of an event carrying socket.data.token: the
 * widget stored it, so its generation becomes the current one.
 */
export function tokenReceipt(socket: TokenSocket, onCommitted: (generation: number) => void): () => void {
  const token = socket.data.token;
  return () => {
    if (!token.pending) return;
    token.pending = false;
    void commitGeneration(socket.data.session.visitorId, token.generation)
      .then((raised) => raised && onCommitted(token.generation))
      .catch((error: unknown) => console.error(`[widget] raising a visitor token generation failed: ${(error as Error).message}`));
  };
}

/**
 * Renews a connected visitor's token at half its lifetime ("token" event). A
 * socket whose generation another tab has since superseded is disconnected
 * instead (it reconnects with the stored token). Returns the canceller.
 */
export function keepTokenFresh(socket: TokenSocket, onCommitted: (generation: number) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const schedule = (delay: number) => {
    timer = setTimeout(() => void renew(), Math.max(0, delay));
    timer.unref?.();
  };
  const renew = async () => {
    if (!socket.connected) return;
    const visitorId = socket.data.session.visitorId;
    try {
      const current = await currentGeneration(visitorId);
      if (socket.data.token.generation !== current.generation) return void socket.disconnect(true);
      const next = nextVisitorToken(visitorId, current.generation);
      socket.data.token = { generation: next.generation, issuedAt: next.issuedAt, value: next.token, pending: true, committed: false };
      socket.emit("token", { visitorId, visitorToken: next.token } satisfies TokenEvent, tokenReceipt(socket, onCommitted));
      schedule(RENEW_CONNECTED_AFTER_MS);
    } catch {
      schedule(60_000);
    }
  };
  const t = socket.data.token;
  // A socket in the grace holds no token of its own: the sweep reconnects it.
  if (t.value !== null) schedule((t.issuedAt ?? Date.now()) + RENEW_CONNECTED_AFTER_MS - Date.now());
  return () => clearTimeout(timer);
}
