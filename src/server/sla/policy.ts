// SLA policies: which targets apply to a conversation and when they are due.
// The most specific policy wins: priority must match; a policy naming the
// conversation's team and channel beats one naming only the team, which beats
// one naming only the channel, which beats a priority-only policy. Due times
// count from the conversation's creation (the resolution clock restarts when
// a resolved conversation is reopened) in the team's business hours, unless
// the policy says 24/7, and move back by the time the clocks were paused.
import { db } from "@/server/db";
import type { ChannelKind, Priority } from "@/generated/prisma/enums";
import { addBusinessMs, calendarFromTeam, type BusinessCalendar } from "./business-time";

const MIN = 60_000;

export type PolicyRow = {
  id: string;
  name: string;
  priority: Priority;
  channel: ChannelKind | null;
  teamId: string | null;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  businessHoursOnly: boolean;
  createdAt: Date;
};

export type ConversationSlaInput = { priority: Priority; channel: ChannelKind; teamId: string | null; inboxId: string };

export function pickPolicy(policies: PolicyRow[], conv: { priority: Priority; channel: ChannelKind; teamId: string | null }): PolicyRow | null {
  let best: PolicyRow | null = null;
  let bestScore = -1;
  for (const p of policies) {
    if (p.priority !== conv.priority) continue;
    if (p.channel && p.channel !== conv.channel) continue;
    if (p.teamId && p.teamId !== conv.teamId) continue;
    const score = (p.teamId ? 2 : 0) + (p.channel ? 1 : 0);
    if (score > bestScore || (score === bestScore && best && p.createdAt < best.createdAt)) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

type TeamRow = { id: string; name: string; businessHours: unknown; holidays: unknown };

/** Policies, teams and inbox→team links, loaded once per batch. */
export class SlaContext {
  private constructor(
    readonly policies: PolicyRow[],
    private teams: Map<string, TeamRow>,
    private inboxTeams: Map<string, string[]>,
  ) {}

  static async load(): Promise<SlaContext> {
    const [policies, teams, links] = await Promise.all([
      db.slaPolicy.findMany({ orderBy: { createdAt: "asc" } }),
      db.team.findMany({ select: { id: true, name: true, businessHours: true, holidays: true }, orderBy: { name: "asc" } }),
      db.teamInbox.findMany({ select: { teamId: true, inboxId: true } }),
    ]);
    const inboxTeams = new Map<string, string[]>();
    const order = new Map(teams.map((t, i) => [t.id, i]));
    for (const l of links) inboxTeams.set(l.inboxId, [...(inboxTeams.get(l.inboxId) ?? []), l.teamId]);
    for (const list of inboxTeams.values()) list.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    return new SlaContext(policies, new Map(teams.map((t) => [t.id, t])), inboxTeams);
  }

  policyFor(conv: ConversationSlaInput): PolicyRow | null {
    return pickPolicy(this.policies, conv);
  }

  /**
   * Business hours that apply: the policy's team, else the conversation's team,
   * else the first team (by name) granted the inbox that has hours; none = 24/7.
   */
  calendarFor(conv: ConversationSlaInput, policy: PolicyRow | null): BusinessCalendar | null {
    if (policy && !policy.businessHoursOnly) return null;
    const ids = [policy?.teamId, conv.teamId, ...(this.inboxTeams.get(conv.inboxId) ?? [])].filter((x): x is string => !!x);
    for (const id of ids) {
      const cal = calendarFromTeam(this.teams.get(id));
      if (cal) return cal;
    }
    return null;
  }

  /**
   * Due times: creation (resolution: its latest restart) plus the target plus
   * the business time the clock was paused, in the calendar that applies.
   */
  dueTimes(conv: ConversationSlaInput & { createdAt: Date; resolutionStart?: Date | null; firstResponsePausedMs?: number; resolutionPausedMs?: number }) {
    const policy = this.policyFor(conv);
    if (!policy) return { policy: null, calendar: null, firstResponseDueAt: null, resolutionDueAt: null };
    const calendar = this.calendarFor(conv, policy);
    return {
      policy,
      calendar,
      firstResponseDueAt: addBusinessMs(conv.createdAt, policy.firstResponseMinutes * MIN + (conv.firstResponsePausedMs ?? 0), calendar),
      resolutionDueAt: addBusinessMs(conv.resolutionStart ?? conv.createdAt, policy.resolutionMinutes * MIN + (conv.resolutionPausedMs ?? 0), calendar),
    };
  }
}
