// Each agent's choice, per notification kind, of where it reaches them: the
// bell (in-app), email (gathered into a digest, ./digest.ts) and Web Push
// (./push.ts). A kind without a row uses DEFAULT_CHANNELS; only the agent
// themself reads or changes theirs (the router passes ctx.viewer's id).
import { db } from "@/server/db";
import type { Tx } from "@/server/db/tx";
import type { NotificationKind } from "@/server/notifications/kinds";

/** The kinds an agent can route, in the order the preferences page lists them. */
export const PREFERENCE_KINDS = ["mention", "assigned", "customer_message", "customer_reopened", "sla_at_risk", "sla_breached", "rule"] as const satisfies readonly NotificationKind[];
export type PreferenceKind = (typeof PREFERENCE_KINDS)[number];

export type Channels = { inApp: boolean; email: boolean; push: boolean };
export type ChannelName = keyof Channels;

/** Without a choice: the bell only (nothing leaves the tab until the agent asks for it). */
export const DEFAULT_CHANNELS: Channels = { inApp: true, email: false, push: false };

export function isPreferenceKind(kind: string): kind is PreferenceKind {
  return (PREFERENCE_KINDS as readonly string[]).includes(kind);
}

/** The agent's matrix: every kind with its channels (defaults filled in). */
export async function getPreferences(userId: string): Promise<{ kind: PreferenceKind; channels: Channels }[]> {
  const rows = await db.notificationPreference.findMany({ where: { userId } });
  const byKind = new Map(rows.map((r) => [r.kind, { inApp: r.inApp, email: r.email, push: r.push }]));
  return PREFERENCE_KINDS.map((kind) => ({ kind, channels: byKind.get(kind) ?? { ...DEFAULT_CHANNELS } }));
}

/** Changes some channels of one kind for the agent; the others keep their value. */
export async function setPreference(userId: string, kind: PreferenceKind, change: Partial<Channels>): Promise<Channels> {
  const current = (await db.notificationPreference.findUnique({ where: { userId_kind: { userId, kind } } })) ?? DEFAULT_CHANNELS;
  const next: Channels = {
    inApp: change.inApp ?? current.inApp,
    email: change.email ?? current.email,
    push: change.push ?? current.push,
  };
  await db.notificationPreference.upsert({ where: { userId_kind: { userId, kind } }, create: { userId, kind, ...next }, update: next });
  return next;
}

/** The channels of one kind for several recipients (producers fan out with it). */
export async function channelsFor(tx: Tx | typeof db, userIds: string[], kind: string): Promise<Map<string, Channels>> {
  const rows = userIds.length ? await tx.notificationPreference.findMany({ where: { userId: { in: userIds }, kind } }) : [];
  const found = new Map(rows.map((r) => [r.userId, { inApp: r.inApp, email: r.email, push: r.push }]));
  return new Map(userIds.map((id) => [id, found.get(id) ?? { ...DEFAULT_CHANNELS }]));
}
