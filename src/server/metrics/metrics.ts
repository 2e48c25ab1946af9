// Supervisor metrics over a period, computed in SQL. The exact definitions
// are in docs/metrics.md; keep the two in step. A period is whole UTC days
// [from 00:00, to + 1 day 00:00). Durations are wall-clock minutes.
import { db } from "@/server/db";
import { SURVEY_KINDS } from "@/lib/vocabulary";
import { DomainError } from "@/server/lib/domain-error";

export type Period = { from: string; to: string };
export type Range = { start: Date; end: Date; days: string[] };

const DAY = 86_400_000;
export const MAX_PERIOD_DAYS = 366;

/** A period that cannot be reported on (REST: 400 invalid_request). */
export class MetricsError extends DomainError {
  constructor(message: string) {
    super(message, "invalid_input", "invalid_request");
  }
}

export function periodRange(p: Period): Range {
  const re = /^\d{4}-\d{2}-\d{2}$/;
  if (!re.test(p.from) || !re.test(p.to)) throw new MetricsError("from and to must be dates like 2026-01-31");
  const start = new Date(`${p.from}T00:00:00.000Z`);
  const last = new Date(`${p.to}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime()) || Number.isNaN(last.getTime())) throw new MetricsError("from and to must be valid dates");
  if (last < start) throw new MetricsError("to must not be before from");
  const n = Math.round((last.getTime() - start.getTime()) / DAY) + 1;
  if (n > MAX_PERIOD_DAYS) throw new MetricsError(`the period may be at most ${MAX_PERIOD_DAYS} days`);
  const days = Array.from({ length: n }, (_, i) => new Date(start.getTime() + i * DAY).toISOString().slice(0, 10));
  return { start, end: new Date(last.getTime() + DAY), days };
}

/** The last `n` days up to today (UTC). */
export function lastDays(n: number, now = new Date()): Period {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (n - 1) * DAY).toISOString().slice(0, 10);
  return { from, to };
}

const round1 = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(Number(n)) ? null : Math.round(Number(n) * 10) / 10);

export type Summary = {
  conversations: number;
  resolved: number;
  firstResponse: { median: number | null; p90: number | null; count: number };
  resolution: { median: number | null; p90: number | null; count: number };
  reopenRate: number | null;
  reopenBase: number;
  csat: { score: number | null; responses: number };
  nps: { score: number | null; responses: number; promoters: number; passives: number; detractors: number };
  ces: { score: number | null; responses: number };
};

type DurRow = { median: number | null; p90: number | null; n: number };

export async function summary(r: Range): Promise<Summary> {
  const [counts] = await db.$queryRaw<{ created: number; resolved: number }[]>`
    SELECT (SELECT count(*)::int FROM conversations WHERE created_at >= ${r.start} AND created_at < ${r.end}) AS created,
           (SELECT count(*)::int FROM conversations WHERE resolved_at >= ${r.start} AND resolved_at < ${r.end}) AS resolved`;
  const [frt] = await db.$queryRaw<DurRow[]>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY m)::float8 AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY m)::float8 AS p90, count(*)::int AS n
    FROM (SELECT extract(epoch FROM first_response_at - created_at) / 60 AS m FROM conversations
          WHERE created_at >= ${r.start} AND created_at < ${r.end} AND first_response_at IS NOT NULL) t`;
  const [res] = await db.$queryRaw<DurRow[]>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY m)::float8 AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY m)::float8 AS p90, count(*)::int AS n
    FROM (SELECT extract(epoch FROM resolved_at - created_at) / 60 AS m FROM conversations
          WHERE resolved_at >= ${r.start} AND resolved_at < ${r.end}) t`;
  const [reopen] = await db.$queryRaw<{ base: number; reopened: number }[]>`
    SELECT count(*)::int AS base, count(*) FILTER (WHERE reopen_count > 0)::int AS reopened
    FROM conversations
    WHERE created_at >= ${r.start} AND created_at < ${r.end} AND (resolved_at IS NOT NULL OR reopen_count > 0)`;
  const surveys = await db.$queryRaw<{ kind: string; n: number; good: number; promoters: number; passives: number; detractors: number; mean: number | null }[]>`
    SELECT kind::text AS kind, count(*)::int AS n,
           count(*) FILTER (WHERE kind = 'csat' AND score >= 4)::int AS good,
           count(*) FILTER (WHERE kind = 'nps' AND score >= 9)::int AS promoters,
           count(*) FILTER (WHERE kind = 'nps' AND score BETWEEN 7 AND 8)::int AS passives,
           count(*) FILTER (WHERE kind = 'nps' AND score <= 6)::int AS detractors,
           avg(score)::float8 AS mean
    FROM survey_responses WHERE created_at >= ${r.start} AND created_at < ${r.end}
    GROUP BY kind`;
  const by = (k: string) => surveys.find((s) => s.kind === k);
  const csat = by("csat");
  const nps = by("nps");
  const ces = by("ces");
  return {
    conversations: counts?.created ?? 0,
    resolved: counts?.resolved ?? 0,
    firstResponse: { median: round1(frt?.median), p90: round1(frt?.p90), count: frt?.n ?? 0 },
    resolution: { median: round1(res?.median), p90: round1(res?.p90), count: res?.n ?? 0 },
    reopenRate: reopen && reopen.base ? round1((100 * reopen.reopened) / reopen.base) : null,
    reopenBase: reopen?.base ?? 0,
    csat: { score: csat?.n ? round1((100 * csat.good) / csat.n) : null, responses: csat?.n ?? 0 },
    nps: {
      score: nps?.n ? round1((100 * (nps.promoters - nps.detractors)) / nps.n) : null,
      responses: nps?.n ?? 0,
      promoters: nps?.promoters ?? 0,
      passives: nps?.passives ?? 0,
      detractors: nps?.detractors ?? 0,
    },
    ces: { score: ces?.n ? Math.round((ces.mean ?? 0) * 100) / 100 : null, responses: ces?.n ?? 0 },
  };
}

export type VolumeDay = { day: string; total: number } & Record<string, number | string>;

/** New conversations per UTC day and channel. */
export async function volumeByChannel(r: Range): Promise<{ channels: string[]; days: VolumeDay[] }> {
  const rows = await db.$queryRaw<{ day: string; channel: string; n: number }[]>`
    SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, channel::text AS channel, count(*)::int AS n
    FROM conversations WHERE created_at >= ${r.start} AND created_at < ${r.end}
    GROUP BY 1, 2 ORDER BY 1, 2`;
  const channels = [...new Set(rows.map((x) => x.channel))].sort();
  const byDay = new Map<string, VolumeDay>(r.days.map((d) => [d, { day: d, total: 0, ...Object.fromEntries(channels.map((c) => [c, 0])) } as VolumeDay]));
  for (const x of rows) {
    const d = byDay.get(x.day);
    if (!d) continue;
    d[x.channel] = x.n;
    d.total += x.n;
  }
  return { channels, days: [...byDay.values()] };
}

/**
 * Open conversations at the end of each UTC day: created before the day's end
 * and not ended by then. A conversation ends at its resolution (resolved_at);
 * one closed without a resolution time ends at its last update; open, pending
 * and snoozed ones have not ended.
 */
export async function backlog(r: Range): Promise<{ day: string; open: number; opened: number; ended: number }[]> {
  const rows = await db.$queryRaw<{ day: string; open: number; opened: number; ended: number }[]>`
    WITH c AS (
      SELECT created_at,
             CASE WHEN status IN ('open', 'pending', 'snoozed') THEN NULL ELSE coalesce(resolved_at, updated_at) END AS ended_at
      FROM conversations WHERE created_at < ${r.end}
    ), days AS (
      SELECT d AS day_start, d + interval '1 day' AS day_end
      FROM generate_series(${r.start}::timestamptz, ${r.end}::timestamptz - interval '1 day', interval '1 day') AS d
    ), base AS (
      SELECT count(*)::int AS n FROM c WHERE created_at < ${r.start} AND (ended_at IS NULL OR ended_at >= ${r.start})
    ), per_day AS (
      SELECT days.day_start,
             (SELECT count(*) FROM c WHERE c.created_at >= days.day_start AND c.created_at < days.day_end)::int AS opened,
             (SELECT count(*) FROM c WHERE c.ended_at >= days.day_start AND c.ended_at < days.day_end)::int AS ended
      FROM days
    )
    SELECT to_char(day_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, opened, ended,
           ((SELECT n FROM base) + sum(opened - ended) OVER (ORDER BY day_start))::int AS open
    FROM per_day ORDER BY day_start`;
  return rows;
}

export type GroupRow = {
  id: string | null;
  name: string;
  conversations: number;
  resolved: number;
  firstResponseMedian: number | null;
  resolutionMedian: number | null;
  reopenRate: number | null;
  csat: number | null;
  csatResponses: number;
  open: number;
};

type GroupSqlRow = {
  id: string | null;
  conversations: number;
  resolved: number;
  frt: number | null;
  res: number | null;
  reopen_base: number;
  reopened: number;
  open: number;
};

/**
 * Per agent (the conversation's current assignee) or per team (its current team):
 * conversations created in the period, resolved in the period, median first
 * response and resolution times, reopen rate, CSAT of answers given in the
 * period about their conversations, and what is open now.
 */
export async function byGroup(r: Range, dim: "agent" | "team"): Promise<GroupRow[]> {
  const col = dim === "agent" ? "assignee_id" : "team_id";
  const rows = await db.$queryRawUnsafe<GroupSqlRow[]>(
    `WITH conv AS (
       SELECT c.${col} AS gid, c.created_at, c.resolved_at, c.first_response_at, c.reopen_count, c.status,
              (c.created_at >= $1 AND c.created_at < $2) AS in_created,
              coalesce(c.resolved_at >= $1 AND c.resolved_at < $2, false) AS in_resolved
       FROM conversations c
     )
     SELECT gid AS id,
       count(*) FILTER (WHERE in_created)::int AS conversations,
       count(*) FILTER (WHERE in_resolved)::int AS resolved,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at) / 60)
          FILTER (WHERE in_created AND first_response_at IS NOT NULL))::float8 AS frt,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 60)
          FILTER (WHERE in_resolved))::float8 AS res,
       count(*) FILTER (WHERE in_created AND (resolved_at IS NOT NULL OR reopen_count > 0))::int AS reopen_base,
       count(*) FILTER (WHERE in_created AND reopen_count > 0)::int AS reopened,
       count(*) FILTER (WHERE status IN ('open', 'pending'))::int AS open
     FROM conv GROUP BY gid`,
    r.start,
    r.end,
  );
  const csat = await db.$queryRawUnsafe<{ id: string | null; n: number; good: number }[]>(
    `SELECT c.${col} AS id, count(*)::int AS n, count(*) FILTER (WHERE sr.score >= 4)::int AS good
     FROM survey_responses sr JOIN surveys s ON s.id = sr.survey_id JOIN conversations c ON c.id = s.conversation_id
     WHERE sr.kind = 'csat' AND sr.created_at >= $1 AND sr.created_at < $2
     GROUP BY 1`,
    r.start,
    r.end,
  );
  const names =
    dim === "agent"
      ? await db.user.findMany({ where: { role: { in: ["agent", "supervisor"] }, deactivatedAt: null }, select: { id: true, name: true } })
      : await db.team.findMany({ select: { id: true, name: true } });
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  const out = new Map<string | null, GroupRow>();
  const blank = (id: string | null): GroupRow => ({
    id,
    name: id ? (nameOf.get(id) ?? "Former member") : dim === "agent" ? "Unassigned" : "No team",
    conversations: 0,
    resolved: 0,
    firstResponseMedian: null,
    resolutionMedian: null,
    reopenRate: null,
    csat: null,
    csatResponses: 0,
    open: 0,
  });
  for (const n of names) out.set(n.id, blank(n.id));
  for (const g of rows) {
    out.set(g.id, {
      ...blank(g.id),
      conversations: g.conversations,
      resolved: g.resolved,
      firstResponseMedian: round1(g.frt),
      resolutionMedian: round1(g.res),
      reopenRate: g.reopen_base ? round1((100 * g.reopened) / g.reopen_base) : null,
      open: g.open,
    });
  }
  for (const c of csat) {
    const g = out.get(c.id) ?? blank(c.id);
    g.csat = c.n ? round1((100 * c.good) / c.n) : null;
    g.csatResponses = c.n;
    out.set(c.id, g);
  }
  return [...out.values()].sort((a, b) => (a.id === null ? 1 : b.id === null ? -1 : b.conversations - a.conversations || a.name.localeCompare(b.name)));
}

export type TrendDay = { day: string; csat: number | null; nps: number | null; ces: number | null; responses: number; csat7: number | null; nps7: number | null; ces7: number | null };

/**
 * CSAT / NPS / CES per day, and over the trailing 7 days (the day and the six
 * before it, within the period) for a readable trend line.
 */
export async function surveyTrend(r: Range): Promise<TrendDay[]> {
  const rows = await db.$queryRaw<{ day: string; csat_n: number; csat_good: number; nps_n: number; nps_net: number; ces_n: number; ces_sum: number }[]>`
    SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
           count(*) FILTER (WHERE kind = 'csat')::int AS csat_n,
           count(*) FILTER (WHERE kind = 'csat' AND score >= 4)::int AS csat_good,
           count(*) FILTER (WHERE kind = 'nps')::int AS nps_n,
           (count(*) FILTER (WHERE kind = 'nps' AND score >= 9) - count(*) FILTER (WHERE kind = 'nps' AND score <= 6))::int AS nps_net,
           count(*) FILTER (WHERE kind = 'ces')::int AS ces_n,
           coalesce(sum(score) FILTER (WHERE kind = 'ces'), 0)::int AS ces_sum
    FROM survey_responses WHERE created_at >= ${r.start} AND created_at < ${r.end}
    GROUP BY 1`;
  const by = new Map(rows.map((x) => [x.day, x]));
  const zero = { csat_n: 0, csat_good: 0, nps_n: 0, nps_net: 0, ces_n: 0, ces_sum: 0 };
  const daily = r.days.map((day) => ({ day, ...zero, ...by.get(day) }));
  return daily.map((x, i) => {
    const w = daily.slice(Math.max(0, i - 6), i + 1).reduce(
      (t, d) => ({ csat_n: t.csat_n + d.csat_n, csat_good: t.csat_good + d.csat_good, nps_n: t.nps_n + d.nps_n, nps_net: t.nps_net + d.nps_net, ces_n: t.ces_n + d.ces_n, ces_sum: t.ces_sum + d.ces_sum }),
      zero,
    );
    return {
      day: x.day,
      csat: x.csat_n ? round1((100 * x.csat_good) / x.csat_n) : null,
      nps: x.nps_n ? round1((100 * x.nps_net) / x.nps_n) : null,
      ces: x.ces_n ? Math.round((x.ces_sum / x.ces_n) * 100) / 100 : null,
      responses: x.csat_n + x.nps_n + x.ces_n,
      csat7: w.csat_n ? round1((100 * w.csat_good) / w.csat_n) : null,
      nps7: w.nps_n ? round1((100 * w.nps_net) / w.nps_n) : null,
      ces7: w.ces_n ? Math.round((w.ces_sum / w.ces_n) * 100) / 100 : null,
    };
  });
}

/** How many answers of each score (for the distribution bars). */
export async function scoreDistribution(r: Range): Promise<Record<"csat" | "nps" | "ces", { score: number; n: number }[]>> {
  const rows = await db.$queryRaw<{ kind: "csat" | "nps" | "ces"; score: number; n: number }[]>`
    SELECT kind::text AS kind, score, count(*)::int AS n FROM survey_responses
    WHERE created_at >= ${r.start} AND created_at < ${r.end} GROUP BY 1, 2`;
  const scale = { csat: [1, 5], nps: [0, 10], ces: [1, 7] } as const;
  const out = {} as Record<"csat" | "nps" | "ces", { score: number; n: number }[]>;
  for (const k of SURVEY_KINDS) {
    const [lo, hi] = scale[k];
    out[k] = Array.from({ length: hi - lo + 1 }, (_, i) => ({ score: lo + i, n: rows.find((x) => x.kind === k && x.score === lo + i)?.n ?? 0 }));
  }
  return out;
}

/** Everything the metrics page shows. */
export async function metricsReport(p: Period) {
  const r = periodRange(p);
  const [s, volume, open, agents, teams, trend, distribution] = await Promise.all([
    summary(r),
    volumeByChannel(r),
    backlog(r),
    byGroup(r, "agent"),
    byGroup(r, "team"),
    surveyTrend(r),
    scoreDistribution(r),
  ]);
  return { period: p, summary: s, volume, backlog: open, agents, teams, surveyTrend: trend, distribution };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"` : s;
}

/** The report as one tidy CSV: section, date, dimension, metric, value. */
export async function metricsCsv(p: Period): Promise<string> {
  const m = await metricsReport(p);
  const lines: unknown[][] = [["section", "date", "dimension", "metric", "value"]];
  const s = m.summary;
  const add = (section: string, date: string, dim: string, metric: string, value: unknown) => lines.push([section, date, dim, metric, value]);
  const range = `${p.from}..${p.to}`;
  add("summary", range, "all", "conversations_created", s.conversations);
  add("summary", range, "all", "conversations_resolved", s.resolved);
  add("summary", range, "all", "first_response_median_min", s.firstResponse.median);
  add("summary", range, "all", "first_response_p90_min", s.firstResponse.p90);
  add("summary", range, "all", "resolution_median_min", s.resolution.median);
  add("summary", range, "all", "resolution_p90_min", s.resolution.p90);
  add("summary", range, "all", "reopen_rate_pct", s.reopenRate);
  add("summary", range, "all", "csat_pct", s.csat.score);
  add("summary", range, "all", "csat_responses", s.csat.responses);
  add("summary", range, "all", "nps", s.nps.score);
  add("summary", range, "all", "nps_responses", s.nps.responses);
  add("summary", range, "all", "ces_mean", s.ces.score);
  add("summary", range, "all", "ces_responses", s.ces.responses);
  for (const d of m.volume.days) for (const c of m.volume.channels) add("volume", d.day, c, "conversations_created", d[c]);
  for (const d of m.backlog) add("backlog", d.day, "all", "open_at_end_of_day", d.open);
  for (const [section, rows] of [["agent", m.agents], ["team", m.teams]] as const) {
    for (const g of rows) {
      add(section, range, g.name, "conversations_created", g.conversations);
      add(section, range, g.name, "conversations_resolved", g.resolved);
      add(section, range, g.name, "first_response_median_min", g.firstResponseMedian);
      add(section, range, g.name, "resolution_median_min", g.resolutionMedian);
      add(section, range, g.name, "reopen_rate_pct", g.reopenRate);
      add(section, range, g.name, "csat_pct", g.csat);
      add(section, range, g.name, "open_now", g.open);
    }
  }
  return lines.map((l) => l.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
