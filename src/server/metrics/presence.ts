// Agent presence for the supervisor board, tracked in memory per process:
// online = at least one connected console socket (and not marked away);
// away = marked away (User.presence), or disconnected less than AWAY_MS ago;
// offline = otherwise. Kept on globalThis because the socket server (server.ts)
// and the tRPC route (Next's bundle) are separate module graphs in one process.
// With several processes each knows only its own sockets; the board of a
// process shows agents connected elsewhere as "away" for AWAY_MS after their
// last_seen_at, which every connect and disconnect refreshes.
import { addSocketHandler } from "@/server/realtime/handlers";
import { rooms } from "@/server/realtime/rooms";
import { db } from "@/server/db";

export const AWAY_MS = 5 * 60_000;

type Entry = { sockets: number; lastSeen: number };
const g = globalThis as unknown as { __throughlinePresence?: Map<string, Entry>; __throughlinePresenceHook?: boolean };
const presence: Map<string, Entry> = (g.__throughlinePresence ??= new Map());

export type PresenceState = "online" | "away" | "offline";

export function connectedSockets(userId: string): number {
  return presence.get(userId)?.sockets ?? 0;
}

/** The state of a user, given their stored presence and last_seen_at. */
export function presenceOf(userId: string, stored: { presence: string; lastSeenAt: Date | null }, now = Date.now()): PresenceState {
  const e = presence.get(userId);
  if (e && e.sockets > 0) return stored.presence === "away" ? "away" : "online";
  const last = Math.max(e?.lastSeen ?? 0, stored.lastSeenAt?.getTime() ?? 0);
  return now - last < AWAY_MS && last > 0 ? "away" : "offline";
}

export function markConnected(userId: string) {
  const e = presence.get(userId) ?? { sockets: 0, lastSeen: 0 };
  e.sockets += 1;
  e.lastSeen = Date.now();
  presence.set(userId, e);
}

export function markDisconnected(userId: string) {
  const e = presence.get(userId) ?? { sockets: 1, lastSeen: 0 };
  e.sockets = Math.max(0, e.sockets - 1);
  e.lastSeen = Date.now();
  presence.set(userId, e);
}

/** Installs the socket hook once per process (imported from the service registration). */
export function installPresenceHook() {
  if (g.__throughlinePresenceHook) return;
  g.__throughlinePresenceHook = true;
  addSocketHandler(({ io, socket }) => {
    const userId = socket.data.viewer.userId;
    markConnected(userId);
    const touch = () => db.user.update({ where: { id: userId }, data: { lastSeenAt: new Date() } }).catch(() => undefined);
    void touch();
    io.to(rooms.supervisors()).emit("agent.presence", { userId, sockets: connectedSockets(userId) });
    socket.on("disconnect", () => {
      markDisconnected(userId);
      void touch();
      io.to(rooms.supervisors()).emit("agent.presence", { userId, sockets: connectedSockets(userId) });
    });
  });
}
