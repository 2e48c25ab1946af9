"use client";
// The live queue board. Pushed, not polled: the socket's queue.changed /
// conversation.updated / timeline.created / agent.presence events trigger a
// debounced refetch (at most one every 400 ms, at least every 2 s while events
// keep coming). "Updated Xs ago" shows freshness; a Stale badge shows when the
// socket is down (the figures are then only as fresh as that timestamp).
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import type { AppRouter } from "@/server/api/root";
import type { inferRouterOutputs } from "@trpc/server";
import { useConnectionState, useSubscription } from "@/components/use-realtime";
import { ChannelBadge, useChannelLabel } from "@/components/channel";
import { ErrorState, Skeleton, relativeTime } from "@/components/ui";
import { Kpi, Panel } from "@/components/charts/kpi";

type Out = inferRouterOutputs<AppRouter>;
type Board = Out["supervisor"]["board"];
type Group = Board["inboxes"][number];
type Filter = "open" | "unassigned" | "waiting_first" | "waiting" | "at_risk" | "breached";
type Drill = { filter: Filter; title: string; inboxId?: string; channel?: string; teamId?: string | null; assigneeId?: string };

// Labels: pages.supervisor.board.filter.<Filter>.
type T = ReturnType<typeof useTranslations<"pages.supervisor.board">>;

/** "12 min", "3h 5m", "2 days" in the page's words (pages.supervisor.board.wait.*). */
function useWaitLabel() {
  const t = useTranslations("pages.supervisor.board.wait");
  const locale = useLocale();
  return (since: Date | string | null, now: number) => {
    if (!since) return "—";
    const n = (v: number) => new Intl.NumberFormat(locale).format(v);
    const min = Math.max(0, (now - new Date(since).getTime()) / 60_000);
    if (min < 60) return t("minutes", { n: n(Math.round(min)) });
    if (min < 48 * 60) return t("hoursMinutes", { h: n(Math.floor(min / 60)), m: n(Math.round(min % 60)) });
    return t("days", { count: Math.round(min / 1440) });
  };
}

function useNow(ms = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function SupervisorBoard() {
  const t = useTranslations("pages.supervisor.board");
  const waitLabel = useWaitLabel();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const board = useQuery({ ...trpc.supervisor.board.queryOptions(), staleTime: Infinity, refetchOnWindowFocus: false });
  const connected = useConnectionState();
  const now = useNow();
  const [grouping, setGrouping] = useState<"inboxes" | "channels" | "teams">("inboxes");
  const [drill, setDrill] = useState<Drill | null>(null);

  // Debounced refetch on pushed events.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const firstPending = useRef<number | null>(null);
  const refresh = useCallback(() => {
    const t = Date.now();
    firstPending.current ??= t;
    if (timer.current) clearTimeout(timer.current);
    const wait = Math.max(0, Math.min(400, 2000 - (t - firstPending.current)));
    timer.current = setTimeout(() => {
      firstPending.current = null;
      void qc.invalidateQueries({ queryKey: trpc.supervisor.pathKey() });
    }, wait);
  }, [qc, trpc]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  useSubscription(
    { allInboxes: true },
    { "queue.changed": refresh, "conversation.updated": refresh, "timeline.created": refresh, "agent.presence": refresh },
    refresh,
  );

  if (board.isPending) return <Skeleton lines={6} />;
  if (board.isError) return <ErrorState error={board.error} retry={() => void board.refetch()} />;
  const b = board.data;
  const ageS = Math.max(0, Math.round((now - board.dataUpdatedAt) / 1000));
  const stale = connected === false;
  const groups: Group[] = b[grouping] as Group[];

  return (
    <div className="space-y-5">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">{t("title")}</h1>
          <p className="text-sm text-slate-500">{t("intro")}</p>
        </div>
        <div className="flex items-center gap-2 text-sm" aria-live="polite">
          {stale ? (
            <span data-testid="board-stale" className="inline-flex items-center gap-1.5 rounded-full bg-amber-100 px-2.5 py-1 font-medium text-amber-800">
              <span className="h-2 w-2 rounded-full bg-amber-500" aria-hidden /> {t("stale")}
            </span>
          ) : (
            <span className="inline-flex items-center gap-1.5 rounded-full bg-emerald-50 px-2.5 py-1 font-medium text-emerald-700">
              <span className="relative flex h-2 w-2" aria-hidden>
                <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-emerald-400 opacity-60" />
                <span className="relative inline-flex h-2 w-2 rounded-full bg-emerald-500" />
              </span>
              {t("live")}
            </span>
          )}
          <span className="text-slate-500" data-testid="board-updated">
            {ageS < 2 ? t("updatedJustNow") : t("updatedAgo", { seconds: ageS })}
          </span>
          {board.isFetching ? <span className="text-xs text-slate-500">{t("refreshing")}</span> : null}
        </div>
      </header>

      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Kpi label={t("kpi.open")} value={String(b.total.open)} testId="total-open" onClick={() => setDrill({ filter: "open", title: t("drillTitle.allOpen") })} />
        <Kpi label={t("kpi.unassigned")} value={String(b.total.unassigned)} testId="total-unassigned" tone={b.total.unassigned > 0 ? "warn" : "default"} onClick={() => setDrill({ filter: "unassigned", title: t("drillTitle.unassigned") })} />
        <Kpi label={t("kpi.waitingFirst")} value={String(b.total.waitingFirst)} testId="total-waiting-first" onClick={() => setDrill({ filter: "waiting_first", title: t("drillTitle.waitingFirst") })} />
        <Kpi label={t("kpi.oldestWait")} value={waitLabel(b.total.oldestWait, now)} note={b.total.waiting ? t("kpi.customersWaiting", { count: b.total.waiting }) : t("kpi.nobodyWaiting")} onClick={() => setDrill({ filter: "waiting", title: t("drillTitle.waiting") })} />
        <Kpi label={t("kpi.atRisk")} value={String(b.total.atRisk)} testId="total-at-risk" tone={b.total.atRisk ? "warn" : "good"} onClick={() => setDrill({ filter: "at_risk", title: t("filter.at_risk") })} />
        <Kpi label={t("kpi.breached")} value={String(b.total.breached)} testId="total-breached" tone={b.total.breached ? "bad" : "good"} onClick={() => setDrill({ filter: "breached", title: t("filter.breached") })} />
      </div>

      <div className="grid gap-5 xl:grid-cols-[minmax(0,1fr)_360px]">
        <div className="min-w-0 space-y-5">
          <Panel
            title={t("queues")}
            actions={
              <div role="radiogroup" aria-label={t("groupBy")} className="flex gap-1 rounded-lg bg-slate-100 p-0.5 text-xs">
                {(["inboxes", "channels", "teams"] as const).map((g) => (
                  <button
                    key={g}
                    type="button"
                    role="radio"
                    aria-checked={grouping === g}
                    onClick={() => setGrouping(g)}
                    className={`rounded-md px-2.5 py-1 font-medium ${grouping === g ? "bg-surface shadow-sm" : "text-slate-600"}`}
                  >
                    {t(`grouping.${g}`)}
                  </button>
                ))}
              </div>
            }
          >
            <QueueTable groups={groups} grouping={grouping} now={now} onDrill={setDrill} t={t} waitLabel={waitLabel} />
          </Panel>
          <Panel title={t("friction.title")} actions={<span className="text-xs text-slate-500">{t("friction.note")}</span>}>
            <FrictionList rows={b.friction} t={t} />
          </Panel>
        </div>
        <Panel title={t("agents.title")} actions={<span className="text-xs text-slate-500">{t("agents.online", { count: b.agents.filter((a) => a.presence === "online").length })}</span>}>
          <AgentList agents={b.agents} t={t} onDrill={(a) => setDrill({ filter: "open", title: t("drillTitle.assignedTo", { name: a.name }), assigneeId: a.id })} />
        </Panel>
      </div>

      {drill ? <DrillPanel drill={drill} agents={b.agents} onClose={() => setDrill(null)} now={now} t={t} waitLabel={waitLabel} /> : null}
    </div>
  );
}

type WaitLabel = ReturnType<typeof useWaitLabel>;

function QueueTable({ groups, grouping, now, onDrill, t, waitLabel }: { groups: Group[]; grouping: "inboxes" | "channels" | "teams"; now: number; onDrill: (d: Drill) => void; t: T; waitLabel: WaitLabel }) {
  const scope = (g: Group): Pick<Drill, "inboxId" | "channel" | "teamId"> =>
    grouping === "inboxes" ? { inboxId: g.id ?? undefined } : grouping === "channels" ? { channel: g.id ?? undefined } : { teamId: g.id };
  const channelLabel = useChannelLabel();
  // The team-less group comes from the server as id null (its name is English).
  const name = (g: Group) => (grouping === "channels" ? channelLabel(g.name) : grouping === "teams" && g.id === null ? t("noTeam") : g.name);
  const cell = (g: Group, filter: Filter, value: number, tone?: "warn" | "bad") => (
    <td className="px-3 py-2 text-end tabular-nums">
      <button
        type="button"
        data-metric={filter}
        disabled={value === 0}
        onClick={() => onDrill({ filter, title: `${t(`filter.${filter}`)} · ${name(g)}`, ...scope(g) })}
        className={`min-w-8 rounded-md px-2 py-0.5 font-medium ${value === 0 ? "text-slate-300" : tone === "bad" ? "bg-red-50 text-red-700 hover:bg-red-100" : tone === "warn" ? "bg-amber-50 text-amber-800 hover:bg-amber-100" : "text-slate-800 hover:bg-slate-100"}`}
      >
        {value}
      </button>
    </td>
  );
  return (
    <div className="-mx-4 overflow-x-auto">
      <table className="w-full text-sm" data-testid="queue-table">
        <caption className="sr-only">{t(`table.caption.${grouping}`)}</caption>
        <thead className="border-b border-slate-100 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2 text-start font-medium">{t(`table.group.${grouping}`)}</th>
            <th className="px-3 py-2 text-end font-medium">{t("table.open")}</th>
            <th className="px-3 py-2 text-end font-medium">{t("table.unassigned")}</th>
            <th className="px-3 py-2 text-end font-medium">{t("table.noFirstReply")}</th>
            <th className="px-3 py-2 text-end font-medium">{t("table.oldestWait")}</th>
            <th className="px-3 py-2 text-end font-medium">{t("table.atRisk")}</th>
            <th className="px-3 py-2 pe-4 text-end font-medium">{t("table.breached")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {groups.map((g) => (
            <tr key={g.id ?? "none"} data-testid={`queue-row-${g.id ?? "none"}`} className={g.open === 0 ? "text-slate-500" : ""}>
              <td className="px-4 py-2">
                <span className="flex items-center gap-2">
                  {"channel" in g && g.channel ? <ChannelBadge channel={g.channel} compact /> : null}
                  <span className="font-medium text-slate-800">{name(g)}</span>
                </span>
              </td>
              {cell(g, "open", g.open)}
              {cell(g, "unassigned", g.unassigned, g.unassigned ? "warn" : undefined)}
              {cell(g, "waiting_first", g.waitingFirst)}
              <td className="px-3 py-2 text-end whitespace-nowrap tabular-nums text-slate-600">{waitLabel(g.oldestWait, now)}</td>
              {cell(g, "at_risk", g.atRisk, "warn")}
              {cell(g, "breached", g.breached, "bad")}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Labels: pages.supervisor.board.presence.<presence>.
const PRESENCE: Record<string, { dot: string }> = {
  online: { dot: "bg-emerald-500" },
  away: { dot: "bg-amber-400" },
  offline: { dot: "bg-slate-300" },
};

function AgentList({ agents, onDrill, t }: { agents: Board["agents"]; onDrill: (a: Board["agents"][number]) => void; t: T }) {
  return (
    <ul className="-mx-2 divide-y divide-slate-100" data-testid="agent-list">
      {agents.map((a) => {
        const pct = Math.min(100, Math.round((100 * a.load) / Math.max(1, a.capacity)));
        const full = a.load >= a.capacity;
        const p = PRESENCE[a.presence]!;
        return (
          <li key={a.id}>
            <button type="button" onClick={() => onDrill(a)} className="flex w-full items-center gap-3 rounded-lg px-2 py-2 text-start hover:bg-slate-50" data-testid={`agent-${a.email}`}>
              <span className="relative flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600" aria-hidden>
                {a.name.split(/\s+/).map((s) => s[0]).slice(0, 2).join("")}
                <span className={`absolute -end-0.5 -bottom-0.5 h-3 w-3 rounded-full ring-2 ring-surface ${p.dot}`} />
              </span>
              <span className="min-w-0 flex-1">
                <span className="flex items-baseline justify-between gap-2">
                  <span className="truncate text-sm font-medium text-slate-800">{a.name}</span>
                  <span className={`shrink-0 text-xs tabular-nums ${full ? "font-semibold text-red-600" : "text-slate-500"}`} data-testid="agent-load">
                    {a.load} / {a.capacity}
                  </span>
                </span>
                <span className="mt-1 block h-1.5 overflow-hidden rounded-full bg-slate-100">
                  <span className={`block h-full rounded-full ${full ? "bg-red-500" : pct > 70 ? "bg-amber-400" : "bg-brand-500"}`} style={{ width: `${pct}%` }} />
                </span>
                <span className="mt-1 flex justify-between text-[11px] text-slate-500">
                  <span>
                    {t(`presence.${a.presence in PRESENCE ? a.presence : "offline"}`)}
                    {a.teams.length ? ` · ${a.teams.join(", ")}` : ""}
                  </span>
                  {a.waiting ? <span className="text-amber-700">{t("agents.waiting", { count: a.waiting })}</span> : null}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

// Labels: pages.supervisor.board.signal.<kind> (an unknown kind shows as is).
const SIGNALS = new Set(["wait", "repeat_contact", "handoff", "channel_switch", "reopen", "failed_self_service", "negative_turn"]);

function FrictionList({ rows, t }: { rows: Board["friction"]; t: T }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500">{t("friction.none")}</p>;
  return (
    <ul className="divide-y divide-slate-100" data-testid="friction-list">
      {rows.map((r) => (
        <li key={r.conversationId} className="flex items-start gap-3 py-2">
          <span
            className={`mt-0.5 flex h-9 w-9 shrink-0 items-center justify-center rounded-lg text-sm font-bold tabular-nums ${r.score >= 50 ? "bg-red-100 text-red-700" : r.score >= 25 ? "bg-amber-100 text-amber-800" : "bg-slate-100 text-slate-700"}`}
            title={t("friction.score")}
          >
            {r.score}
          </span>
          <span className="min-w-0 flex-1">
            <span className="flex items-center gap-2 text-sm">
              {r.conversation ? <ChannelBadge channel={r.conversation.channel} compact /> : null}
              <Link href={`/conversations/${r.conversationId}`} className="truncate font-medium text-slate-800 hover:underline">
                #{r.number} {r.conversation?.subject ?? r.conversation?.lastMessagePreview ?? ""}
              </Link>
            </span>
            <span className="mt-0.5 block truncate text-xs text-slate-500">
              {r.conversation?.customer ? (
                <Link href={`/customers/${r.conversation.customer.id}/journey`} className="hover:underline">
                  {r.conversation.customer.name ?? t("unnamed")}
                </Link>
              ) : null}
              {r.conversation?.assignee ? ` · ${r.conversation.assignee.name}` : ` · ${t("friction.unassigned")}`}
            </span>
            <span className="mt-1 flex flex-wrap gap-1">
              {r.signals.map((s) => (
                <span key={s.kind} title={s.detail} className="rounded-full bg-slate-100 px-2 py-0.5 text-[11px] font-medium text-slate-700">
                  {SIGNALS.has(s.kind) ? t(`signal.${s.kind}`) : s.kind}
                  {s.count > 1 ? ` ×${s.count}` : ""}
                </span>
              ))}
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}

function DrillPanel({ drill, agents, onClose, now, t, waitLabel }: { drill: Drill; agents: Board["agents"]; onClose: () => void; now: number; t: T; waitLabel: WaitLabel }) {
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { title, ...input } = drill;
  const list = useQuery({ ...trpc.supervisor.conversations.queryOptions(input), staleTime: Infinity });
  const reassign = useMutation(
    trpc.supervisor.reassign.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.supervisor.pathKey() }),
    }),
  );
  const sortedAgents = useMemo(() => [...agents].sort((a, b) => a.name.localeCompare(b.name)), [agents]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="fixed inset-0 z-40 flex justify-end bg-black/20" onClick={onClose}>
      <aside
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid="drill-panel"
        className="flex h-full w-full max-w-2xl flex-col bg-surface shadow-2xl"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="flex items-center justify-between border-b border-slate-200 px-5 py-4">
          <div>
            <h2 className="font-semibold">{title}</h2>
            <p className="text-xs text-slate-500">{list.data ? t("drill.count", { count: list.data.length }) : t("drill.loading")} · {t("drill.order")}</p>
          </div>
          <button type="button" onClick={onClose} className="rounded-md px-2 py-1 text-sm text-slate-500 hover:bg-slate-100" aria-label={t("drill.close")}>
            ✕
          </button>
        </div>
        {reassign.isError ? (
          <div className="px-5 pt-3">
            <ErrorState error={reassign.error} />
          </div>
        ) : null}
        <div className="flex-1 overflow-y-auto">
          {list.isPending ? (
            <div className="p-5">
              <Skeleton lines={4} />
            </div>
          ) : list.isError ? (
            <div className="p-5">
              <ErrorState error={list.error} retry={() => void list.refetch()} />
            </div>
          ) : list.data.length === 0 ? (
            <p className="p-5 text-sm text-slate-500">{t("drill.empty")}</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {list.data.map((c) => (
                <li key={c.id} className="px-5 py-3" data-testid="drill-row">
                  <div className="flex items-start justify-between gap-3">
                    <div className="min-w-0">
                      <div className="flex items-center gap-2">
                        <ChannelBadge channel={c.channel} compact />
                        <Link href={`/conversations/${c.id}`} className="truncate text-sm font-medium text-slate-900 hover:underline">
                          #{c.number} {c.subject ?? c.preview ?? ""}
                        </Link>
                      </div>
                      <p className="mt-0.5 truncate text-xs text-slate-500">
                        <Link href={`/customers/${c.customer.id}`} className="hover:underline">
                          {c.customer.name ?? t("drill.unnamedCustomer")}
                        </Link>{" "}
                        · {c.inboxName}
                        {c.teamName ? ` · ${c.teamName}` : ""} · {t("drill.priority", { priority: c.priority })}
                      </p>
                      <p className="mt-1 flex flex-wrap items-center gap-2 text-xs">
                        {c.waitingSince ? <span className="text-slate-600">{t("drill.waiting", { duration: waitLabel(c.waitingSince, now) })}</span> : <span className="text-slate-500">{t("drill.status", { status: c.status })}</span>}
                        {c.breached ? <span className="rounded-full bg-red-100 px-2 py-0.5 font-medium text-red-700">{t("filter.breached")}</span> : null}
                        {c.atRisk ? <span className="rounded-full bg-amber-100 px-2 py-0.5 font-medium text-amber-800">{t("filter.at_risk")}</span> : null}
                        {!c.breached && c.firstResponseDueAt ? <span className="text-slate-500">{t("drill.firstReplyDue", { when: relativeTime(c.firstResponseDueAt, Date.now(), locale) })}</span> : null}
                      </p>
                    </div>
                    <label className="shrink-0 text-xs text-slate-500">
                      <span className="sr-only">{t("drill.assigneeOf", { number: c.number })}</span>
                      <select
                        data-testid="reassign-select"
                        className="mt-0.5 w-44 rounded-md border border-slate-300 bg-surface px-2 py-1 text-sm text-slate-800"
                        value={c.assignee?.id ?? ""}
                        disabled={reassign.isPending}
                        onChange={(e) => reassign.mutate({ conversationId: c.id, assigneeId: e.target.value || null })}
                      >
                        <option value="">{t("drill.unassigned")}</option>
                        {sortedAgents.map((a) => (
                          <option key={a.id} value={a.id}>
                            {a.name} ({a.load}/{a.capacity}){a.presence === "online" ? " ●" : ""}
                          </option>
                        ))}
                      </select>
                    </label>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      </aside>
    </div>
  );
}
