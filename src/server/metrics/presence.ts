// Agent presence for the supervisor board and the widget's "we're online":
// online = at least one connected console socket, on any app process (and not
// marked away); away = marked away (User.presence), or disconnected less than
// AWAY_MS ago; offline = otherwise.
//
// Each process counts its own sockets in memory (kept on globalThis because
// the socket server and the tRPC route are separate module graphs in one
// process) and, for other processes' agents, reads users.online_until: every
// process renews it for its connected agents each HEARTBEAT_MS, sets it on
// connect and ends it when an agent's last local socket goes. A process that
// dies stops renewing, so its agents turn away within ONLINE_GRACE_MS.
import { addSocketHandler } from "@/server/realtime/handlers";
import { rooms } from "@/server/realtime/rooms";
import { db } from "@/server/db";

export const AWAY_MS = 5 * 60_000;
export const HEARTBEAT_MS = 15_000;
export const ONLINE_GRACE_MS = 40_000;

type Entry = { sockets: number; lastSeen: number };
const g = globalThis as unknown as { __throughlinePresence?: Map<string, Entry>; __throughlinePresenceHook?: boolean };
const presence: Map<string, Entry> = (g.__throughlinePresence ??= new Map());

export type PresenceState = "online" | "away" | "offline";

export function connectedSockets(userId: string): number {
  return presence.get(userId)?.sockets ?? 0;
}

/** Agents with a console socket on this process. */
export function locallyConnectedUsers(): string[] {
  return [...presence].filter(([, e]) => e.sockets > 0).map(([id]) => id);
}

/** The state of a user, given their stored presence, last_seen_at and online_until. */
export function presenceOf(userId: string, stored: { presence: string; lastSeenAt: Date | null; onlineUntil?: Date | null }, now = Date.now()): PresenceState {
  const e = presence.get(userId);
  const connectedElsewhere = (stored.onlineUntil?.getTime() ?? 0) > now;
  if ((e && e.sockets > 0) || connectedElsewhere) return stored.presence === "away" ? "away" : "online";
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
    // Boards (on every process) re-read after the stored state changed.
    const announce = () => io.to(rooms.supervisors()).emit("agent.presence", { userId });
    markConnected(userId);
    void renewOnline([userId]).then(announce);
    socket.on("disconnect", () => {
      markDisconnected(userId);
      if (connectedSockets(userId) > 0) return announce();
      // Last socket here gone: online ends now (another process holding one renews it at its next heartbeat).
      const now = new Date();
      void db.user
        .update({ where: { id: userId }, data: { lastSeenAt: now, onlineUntil: now } })
        .catch(() => undefined)
        .then(announce);
    });
  });
}

/** Marks these agents connected (somewhere) for the next ONLINE_GRACE_MS. */
export async function renewOnline(userIds: string[]): Promise<void> {
  if (!userIds.length) return;
  const now = Date.now();
  await db.user
    .updateMany({ where: { id: { in: userIds } }, data: { lastSeenAt: new Date(now), onlineUntil: new Date(now + ONLINE_GRACE_MS) } })
    .catch((error: unknown) => console.error(`[presence] heartbeat failed: ${(error as Error).message}`));
}

/** Every HEARTBEAT_MS: this process's connected agents stay online for the others. */
export function startPresenceHeartbeat(intervalMs = HEARTBEAT_MS): () => void {
  const timer = setInterval(() => void renewOnline(locallyConnectedUsers()), intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

/** Is any agent connected to any process? (One indexed query; callers cache it.) */
export async function anyAgentOnline(): Promise<boolean> {
  if (locallyConnectedUsers().length) return true;
  const rows = await db.$queryRaw<{ online: boolean }[]>`SELECT EXISTS (SELECT 1 FROM users WHERE online_until > now() AND deactivated_at IS NULL) AS online`;
  return rows[0]?.online ?? false;
}
