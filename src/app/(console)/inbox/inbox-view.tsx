"use client";
// The agent's queues: views (Mine, Unassigned, My teams, All) and inboxes with
// live counts; filters (status, priority, channel, tag, assignee); sorts
// (last activity, waiting time, priority, SLA due); a custom field's value
// (words from the "fields" messages); bulk assign / status /
// tag. New activity is announced, not forced in, so the agent keeps their
// place. Keyboard: j/k move, Enter opens, x selects.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { ChannelBadge, ChannelIcon, useChannelLabel } from "@/components/channel";
import { rememberQueue } from "@/components/queue-order";
import { useShortcuts } from "@/components/shortcuts";
import { EmptyState, ErrorState, Skeleton, relativeTime as relativeTimeIn, shortDuration } from "@/components/ui";
import { useSubscription } from "@/components/use-realtime";

// Labels come from the "inbox" messages (views.*, statusFilter.*, sorts.*).
const VIEWS = [{ id: "mine" }, { id: "unassigned" }, { id: "teams" }, { id: "all" }] as const;
type ViewId = (typeof VIEWS)[number]["id"];
const STATUS_OPTIONS = [
  { id: "active", statuses: ["open", "pending"] },
  { id: "open", statuses: ["open"] },
  { id: "pending", statuses: ["pending"] },
  { id: "snoozed", statuses: ["snoozed"] },
  { id: "resolved", statuses: ["resolved"] },
  { id: "closed", statuses: ["closed"] },
] as const;
const SORTS = [{ id: "activity" }, { id: "waiting" }, { id: "priority" }, { id: "sla" }] as const;
const CHANNELS = ["email", "chat", "messenger", "instagram", "whatsapp", "telegram", "x"] as const;
const PRIORITY_STYLE: Record<string, string> = {
  urgent: "bg-red-100 text-red-800",
  high: "bg-orange-100 text-orange-900",
  normal: "bg-slate-100 text-slate-700",
  low: "bg-slate-100 text-slate-600",
};

type Settings = {
  view: ViewId;
  inboxId: string;
  status: (typeof STATUS_OPTIONS)[number]["id"];
  priority: string;
  channel: string;
  tag: string;
  assigneeId: string;
  sort: (typeof SORTS)[number]["id"];
  /** A custom field's key and the value conversations must have (src/server/fields/). */
  fieldKey: string;
  fieldValue: string;
};
const DEFAULTS: Settings = { view: "mine", inboxId: "", status: "active", priority: "", channel: "", tag: "", assigneeId: "", sort: "activity", fieldKey: "", fieldValue: "" };
const SETTINGS_KEY = "throughline.inbox";

function loadSettings(): Settings {
  try {
    return { ...DEFAULTS, ...(JSON.parse(sessionStorage.getItem(SETTINGS_KEY) ?? "{}") as Partial<Settings>) };
  } catch {
    return DEFAULTS;
  }
}

export function InboxView() {
  const t = useTranslations("inbox");
  const channelLabel = useChannelLabel();
  const locale = useLocale();
  const relativeTime = (d: Date | string) => relativeTimeIn(d, Date.now(), locale);
  const waited = (since: Date | string) => t("waiting", { duration: shortDuration(Date.now() - new Date(since).getTime(), locale) });
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const ids = { status: useId(), priority: useId(), channel: useId(), tag: useId(), assignee: useId(), sort: useId(), inbox: useId(), bulkAssign: useId(), bulkStatus: useId(), bulkTag: useId() };
  const [settings, setSettings] = useState<Settings>(DEFAULTS);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    setSettings(loadSettings());
    setLoaded(true);
  }, []);
  useEffect(() => {
    if (loaded) sessionStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  }, [settings, loaded]);
  const set = (patch: Partial<Settings>) => {
    setSettings((s) => ({ ...s, ...patch }));
    setSelected(new Set());
    setCursor(-1);
  };

  const filters = {
    inboxId: settings.inboxId || undefined,
    statuses: [...STATUS_OPTIONS.find((o) => o.id === settings.status)!.statuses],
    priorities: settings.priority ? [settings.priority as "low" | "normal" | "high" | "urgent"] : undefined,
    channels: settings.channel ? [settings.channel as (typeof CHANNELS)[number]] : undefined,
    tag: settings.tag || undefined,
    assigneeId: settings.assigneeId || undefined,
  };
  const counts = useQuery({ ...trpc.conversation.counts.queryOptions({ ...filters, view: settings.view }), enabled: loaded });
  const inboxes = useQuery(trpc.conversation.inboxes.queryOptions());
  const tags = useQuery(trpc.conversation.tags.queryOptions());
  const directory = useQuery(trpc.conversation.directory.queryOptions());
  const me = useQuery(trpc.me.get.queryOptions());
  const customFields = useQuery(trpc.field.list.queryOptions());
  const fieldFilter = queueFieldFilter(customFields.data ?? [], settings.fieldKey, settings.fieldValue);
  const queue = useInfiniteQuery({
    ...trpc.conversation.queue.infiniteQueryOptions({ ...filters, field: fieldFilter, view: settings.view, sort: settings.sort, limit: 50 }, { getNextPageParam: (l) => l.nextCursor ?? undefined }),
    enabled: loaded,
  });
  const items = useMemo(() => queue.data?.pages.flatMap((p) => p.items) ?? [], [queue.data]);
  useEffect(() => rememberQueue(items.map((i) => i.id)), [items]);

  // Live: counts refresh at once; the list offers the change instead of jumping.
  const [fresh, setFresh] = useState(0);
  const onActivity = () => {
    setFresh((n) => n + 1);
    void queryClient.invalidateQueries({ queryKey: trpc.conversation.counts.queryKey() });
  };
  useSubscription({ allInboxes: true }, { "timeline.created": onActivity, "conversation.updated": onActivity }, () => {
    void queryClient.invalidateQueries({ queryKey: trpc.conversation.counts.queryKey() });
    setFresh((n) => n + 1);
  });
  const showLatest = () => {
    setFresh(0);
    void queue.refetch();
  };

  // Selection and keyboard focus.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [cursor, setCursor] = useState(-1);
  const rowRefs = useRef<(HTMLAnchorElement | null)[]>([]);
  const move = (step: 1 | -1) => {
    if (!items.length) return;
    const next = Math.min(Math.max(cursor + step, 0), items.length - 1);
    setCursor(next);
    rowRefs.current[next]?.focus();
    rowRefs.current[next]?.scrollIntoView({ block: "nearest" });
    if (next >= items.length - 3 && queue.hasNextPage && !queue.isFetchingNextPage) void queue.fetchNextPage();
  };
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    enter: () => {
      const it = items[cursor];
      if (it) router.push(`/conversations/${it.id}`);
    },
    x: () => {
      const it = items[cursor];
      if (it) toggle(it.id);
    },
  });

  // Bulk actions.
  const [bulkTag, setBulkTag] = useState("");
  const [bulkResult, setBulkResult] = useState("");
  const bulk = useMutation(
    trpc.conversation.bulkUpdate.mutationOptions({
      onSuccess: (r) => {
        setBulkResult(r.failed.length ? t("bulk.updatedWithFailures", { count: r.updated.length, failed: r.failed.length, reason: r.failed[0]!.reason }) : t("bulk.updated", { count: r.updated.length }));
        setSelected(new Set());
        setFresh(0);
        void queue.refetch();
        void queryClient.invalidateQueries({ queryKey: trpc.conversation.counts.queryKey() });
      },
    }),
  );
  const selectedIds = [...selected];
  const allOnPage = items.length > 0 && items.every((i) => selected.has(i.id));

  const viewCount = (v: ViewId) => counts.data?.views[v];
  const perInbox = counts.data?.inboxes ?? {};
  const now = Date.now();

  return (
    <div className="flex min-h-screen">
      <aside aria-label={t("inboxes")} className="hidden w-56 shrink-0 border-e border-slate-200 bg-surface p-3 lg:block">
        <h2 className="px-2 pb-2 pt-1 text-xs font-semibold uppercase tracking-wide text-slate-600">{t("inboxes")}</h2>
        <ul className="space-y-0.5">
          <li>
            <button type="button" aria-pressed={!settings.inboxId} onClick={() => set({ inboxId: "" })} className={`flex w-full items-center justify-between rounded-lg px-2 py-1.5 text-start text-sm ${!settings.inboxId ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}>
              {t("allMyInboxes")}
              <span className="text-xs text-slate-600">{counts.data ? Object.values(perInbox).reduce((a, b) => a + b, 0) : ""}</span>
            </button>
          </li>
          {inboxes.data?.map((i) => (
            <li key={i.id}>
              <button type="button" aria-pressed={settings.inboxId === i.id} onClick={() => set({ inboxId: i.id })} className={`flex w-full items-center gap-2 rounded-lg px-2 py-1.5 text-start text-sm ${settings.inboxId === i.id ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}>
                <ChannelIcon channel={i.channel} className="h-3.5 w-3.5 text-slate-500" />
                <span className="min-w-0 flex-1 truncate">{i.name}</span>
                <span className="text-xs text-slate-600">{perInbox[i.id] ?? 0}</span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="border-b border-slate-200 bg-surface px-3 pt-4 sm:px-5">
          <div className="flex items-center gap-3">
            <h1 className="shrink-0 text-xl font-semibold">{t("title")}</h1>
            <div className="min-w-0 flex-1 lg:hidden">
              <label htmlFor={ids.inbox} className="sr-only">{t("inboxLabel")}</label>
              <select id={ids.inbox} value={settings.inboxId} onChange={(e) => set({ inboxId: e.target.value })} className="w-full max-w-xs rounded-lg border border-slate-300 bg-surface px-2 py-1 text-sm">
                <option value="">{t("allMyInboxes")}</option>
                {inboxes.data?.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name} ({perInbox[i.id] ?? 0})
                  </option>
                ))}
              </select>
            </div>
            <p className="ms-auto hidden text-xs text-slate-600 md:block">{t.rich("shortcutsHint", { k: (chunks) => <kbd className="font-mono">{chunks}</kbd> })}</p>
          </div>
          <div role="tablist" aria-label={t("views.label")} className="-mx-3 mt-2 flex gap-1 overflow-x-auto px-3 sm:mx-0 sm:px-0">
            {VIEWS.map((v) => (
              <button key={v.id} role="tab" type="button" aria-selected={settings.view === v.id} onClick={() => set({ view: v.id })} className={`shrink-0 whitespace-nowrap rounded-t-lg border-b-2 px-3 py-2 text-sm font-medium ${settings.view === v.id ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}>
                {t(`views.${v.id}`)}
                <span className="ms-1.5 rounded-full bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700" data-testid={`count-${v.id}`}>
                  {viewCount(v.id) ?? "…"}
                </span>
              </button>
            ))}
          </div>
        </header>
        <div className="grid grid-cols-2 items-end gap-2 border-b border-slate-200 bg-surface px-3 py-2.5 sm:flex sm:flex-wrap sm:px-5 [&_select]:w-full sm:[&_select]:w-auto" role="group" aria-label={t("filtersLabel")}>
          <Filter id={ids.status} label={t("filter.status")} value={settings.status} onChange={(v) => set({ status: v as Settings["status"] })} options={STATUS_OPTIONS.map((o) => [o.id, t(`statusFilter.${o.id}`)])} />
          <Filter id={ids.priority} label={t("filter.priority")} value={settings.priority} onChange={(v) => set({ priority: v })} options={[["", t("filter.any")], ...(["urgent", "high", "normal", "low"] as const).map((p) => [p, t(`priority.${p}`)] as [string, string])]} />
          <Filter id={ids.channel} label={t("filter.channel")} value={settings.channel} onChange={(v) => set({ channel: v })} options={[["", t("filter.any")], ...CHANNELS.map((c) => [c, channelLabel(c)] as [string, string])]} />
          <Filter id={ids.tag} label={t("filter.tag")} value={settings.tag} onChange={(v) => set({ tag: v })} options={[["", t("filter.any")], ...(tags.data ?? []).map((tag) => [tag, tag] as [string, string])]} />
          <Filter
            id={ids.assignee}
            label={t("filter.assignee")}
            value={settings.assigneeId}
            onChange={(v) => set({ assigneeId: v })}
            options={[["", t("filter.anyone")], ["none", t("filter.unassigned")], ...(directory.data?.agents ?? []).map((a) => [a.id, a.id === me.data?.userId ? t("filter.me", { name: a.name }) : a.name] as [string, string])]}
          />
          {customFields.data?.length ? <FieldFilter fields={customFields.data} fieldKey={settings.fieldKey} value={settings.fieldValue} onChange={(fieldKey, fieldValue) => set({ fieldKey, fieldValue })} /> : null}
          <div className="sm:ms-auto">
            <Filter id={ids.sort} label={t("filter.sortBy")} value={settings.sort} onChange={(v) => set({ sort: v as Settings["sort"] })} options={SORTS.map((s) => [s.id, t(`sorts.${s.id}`)])} />
          </div>
        </div>
        {selected.size > 0 ? (
          <div className="flex flex-wrap items-end gap-3 border-b border-brand-100 bg-brand-50 px-3 py-2.5 sm:px-5" role="region" aria-label={t("bulk.label")} data-testid="bulk-bar">
            <p className="pb-1.5 text-sm font-medium text-brand-800">{t("bulk.selected", { count: selected.size })}</p>
            <div>
              <label htmlFor={ids.bulkAssign} className="block text-xs font-medium text-slate-700">{t("bulk.assignTo")}</label>
              <select id={ids.bulkAssign} value="" disabled={bulk.isPending} onChange={(e) => e.target.value && bulk.mutate({ ids: selectedIds, changes: { assigneeId: e.target.value === "none" ? null : e.target.value } })} className="mt-0.5 rounded-lg border border-slate-300 bg-surface px-2 py-1 text-sm">
                <option value="">{t("bulk.choose")}</option>
                {me.data ? <option value={me.data.userId}>{t("bulk.me")}</option> : null}
                <option value="none">{t("bulk.nobody")}</option>
                {directory.data?.agents.filter((a) => a.id !== me.data?.userId).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
              </select>
            </div>
            <div>
              <label htmlFor={ids.bulkStatus} className="block text-xs font-medium text-slate-700">{t("bulk.setStatus")}</label>
              <select id={ids.bulkStatus} value="" disabled={bulk.isPending} onChange={(e) => e.target.value && bulk.mutate({ ids: selectedIds, changes: { status: e.target.value as "open" } })} className="mt-0.5 rounded-lg border border-slate-300 bg-surface px-2 py-1 text-sm">
                <option value="">{t("bulk.choose")}</option>
                <option value="open">{t("status.open")}</option>
                <option value="pending">{t("status.pending")}</option>
                <option value="resolved">{t("status.resolved")}</option>
                <option value="closed">{t("status.closed")}</option>
              </select>
            </div>
            <form
              className="flex items-end gap-1"
              onSubmit={(e) => {
                e.preventDefault();
                if (bulkTag.trim()) bulk.mutate({ ids: selectedIds, changes: { addTags: [bulkTag.trim()] } });
                setBulkTag("");
              }}
            >
              <div>
                <label htmlFor={ids.bulkTag} className="block text-xs font-medium text-slate-700">{t("bulk.addTag")}</label>
                <input id={ids.bulkTag} value={bulkTag} onChange={(e) => setBulkTag(e.target.value)} list={`${ids.bulkTag}-list`} className="mt-0.5 w-32 rounded-lg border border-slate-300 bg-surface px-2 py-1 text-sm" />
                <datalist id={`${ids.bulkTag}-list`}>{tags.data?.map((tag) => <option key={tag} value={tag} />)}</datalist>
              </div>
              <button type="submit" disabled={bulk.isPending} className="rounded-lg bg-brand-600 px-2.5 py-1 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60">{t("bulk.add")}</button>
            </form>
            <button type="button" onClick={() => setSelected(new Set())} className="pb-1 text-sm text-slate-700 underline">{t("bulk.clear")}</button>
            {bulk.isError ? <p role="alert" className="w-full text-sm text-red-700">{bulk.error.message}</p> : null}
          </div>
        ) : null}
        <div className="px-3 sm:px-5" aria-live="polite">
          {bulkResult && selected.size === 0 ? <p className="mt-3 text-sm text-slate-700" role="status">{bulkResult}</p> : null}
          {fresh > 0 ? (
            <button type="button" onClick={showLatest} className="mt-3 rounded-full bg-brand-600 px-3 py-1 text-sm font-medium text-white shadow-sm hover:bg-brand-700" data-testid="new-activity">
              {t("newActivity", { count: fresh })}
            </button>
          ) : null}
        </div>
        <div className="flex-1 px-3 py-3 sm:px-5">
          {!loaded || queue.isPending ? (
            <Skeleton lines={8} />
          ) : queue.isError ? (
            <ErrorState error={queue.error} retry={() => void queue.refetch()} />
          ) : items.length === 0 ? (
            <EmptyState title={t("emptyTitle")}>{t("emptyBody")}</EmptyState>
          ) : (
            <>
              <div className="mb-2 flex items-center gap-2 px-1">
                <input
                  id="select-all"
                  type="checkbox"
                  checked={allOnPage}
                  onChange={() => setSelected(allOnPage ? new Set() : new Set(items.map((i) => i.id)))}
                  className="h-4 w-4 rounded border-slate-300"
                />
                <label htmlFor="select-all" className="text-xs text-slate-600">{t("selectAll", { count: items.length })}</label>
              </div>
              <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-surface" aria-label={t("conversationsLabel")}>
                {items.map((c, index) => {
                  const overdue = c.slaDueAt && new Date(c.slaDueAt).getTime() < now;
                  return (
                    <li key={c.id} className={`flex items-stretch ${index === cursor ? "bg-brand-50/70" : ""} ${selected.has(c.id) ? "bg-brand-50" : ""}`} data-conversation-id={c.id}>
                      <div className="flex items-start ps-2.5 pt-3.5 sm:ps-3">
                        <input type="checkbox" checked={selected.has(c.id)} onChange={() => toggle(c.id)} aria-label={t("selectOne", { number: c.number })} className="h-4 w-4 rounded border-slate-300" />
                      </div>
                      <Link
                        ref={(el) => {
                          rowRefs.current[index] = el;
                        }}
                        href={`/conversations/${c.id}`}
                        onFocus={() => setCursor(index)}
                        className="flex min-w-0 flex-1 items-start gap-3 px-2.5 py-3 hover:bg-slate-50 focus:bg-brand-50/70 sm:px-3"
                      >
                        {/* On a phone the channel is a small icon beside the name, so the name and subject get the width. */}
                        <span className="hidden sm:block">
                          <ChannelBadge channel={c.channel} compact />
                        </span>
                        <div className="min-w-0 flex-1">
                          <p className="flex min-w-0 items-center gap-2">
                            <ChannelIcon channel={c.channel} className="h-3.5 w-3.5 shrink-0 text-slate-500 sm:hidden" />
                            <span className="min-w-0 truncate font-medium" data-testid="row-customer">{c.customer.name ?? t("unnamedCustomer")}</span>
                            <span className="shrink-0 text-xs text-slate-600">#{c.number}</span>
                            <span className={`shrink-0 rounded-full px-1.5 py-0.5 text-[11px] font-medium ${PRIORITY_STYLE[c.priority] ?? ""}`}>{t(`priority.${c.priority}`)}</span>
                          </p>
                          <p className="truncate text-sm text-slate-700" data-testid="row-preview">
                            {c.subject ? <span className="font-medium">{c.subject} — </span> : null}
                            {c.lastMessagePreview}
                          </p>
                          <p className="mt-0.5 truncate text-xs text-slate-600">
                            {c.inbox.name} · {c.assignee ? c.assignee.name : c.team ? t("teamAssignee", { team: c.team.name }) : t("unassignedRow")}
                            {c.tags.length ? ` · ${c.tags.join(", ")}` : ""}
                          </p>
                          <p className="mt-0.5 truncate text-xs sm:hidden">
                            <span className="text-slate-600">{relativeTime(c.lastMessageAt)}</span>
                            {c.waitingSince ? <span className="font-medium text-amber-800"> · {waited(c.waitingSince)}</span> : null}
                            {c.slaDueAt && c.status === "open" ? <span className={overdue ? "font-semibold text-red-700" : "text-slate-600"}> · {overdue ? t("slaOverdue") : t("slaDue", { when: relativeTime(c.slaDueAt) })}</span> : c.status === "pending" || c.status === "snoozed" ? <span className="text-slate-500"> · {t("slaPaused")}</span> : null}
                            <span className="text-slate-600"> · {t(`status.${c.status}`)}</span>
                          </p>
                        </div>
                        <div className="hidden shrink-0 text-end text-xs sm:block">
                          <p className="text-slate-600">{relativeTime(c.lastMessageAt)}</p>
                          {c.waitingSince ? <p className="mt-1 font-medium text-amber-800">{waited(c.waitingSince)}</p> : null}
                          {c.slaDueAt && c.status === "open" ? (
                            <p className={`mt-1 ${overdue ? "font-semibold text-red-700" : "text-slate-600"}`}>{overdue ? t("slaOverdue") : t("slaDue", { when: relativeTime(c.slaDueAt) })}</p>
                          ) : c.status === "pending" || c.status === "snoozed" ? (
                            <p className="mt-1 text-slate-500" title={t("slaPausedHint")}>{t("slaPaused")}</p>
                          ) : null}
                          <p className="mt-1 text-slate-600">{t(`status.${c.status}`)}</p>
                        </div>
                      </Link>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
          {queue.hasNextPage ? (
            <button type="button" onClick={() => void queue.fetchNextPage()} className="mt-4 w-full rounded-lg border border-slate-300 bg-surface py-2 text-sm font-medium hover:bg-slate-50">
              {queue.isFetchingNextPage ? t("loading") : t("loadMore")}
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function Filter({ id, label, value, onChange, options }: { id: string; label: string; value: string; onChange: (v: string) => void; options: readonly (readonly [string, string])[] }) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className="mt-0.5 max-w-44 rounded-lg border border-slate-300 bg-surface px-2 py-1 text-sm">
        {options.map(([v, l]) => (
          <option key={v || "any"} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

type FilterField = { key: string; label: string; type: "text" | "number" | "select" | "date"; options: string[] };

/** The queue's field filter from the chosen key and value: none while either is empty (or a number field's value is not a number). */
function queueFieldFilter(fields: FilterField[], key: string, raw: string): { key: string; value: string | number } | undefined {
  const field = fields.find((f) => f.key === key);
  const value = raw.trim();
  if (!field || !value) return undefined;
  if (field.type === "number") return Number.isFinite(Number(value)) ? { key, value: Number(value) } : undefined;
  return { key, value: field.type === "text" ? value : raw };
}

/** A custom field and the value to look for: a select's options, a date picker, or text / a number applied on Enter or leaving the box. */
function FieldFilter({ fields, fieldKey, value, onChange }: { fields: FilterField[]; fieldKey: string; value: string; onChange: (fieldKey: string, value: string) => void }) {
  const t = useTranslations("fields");
  const ids = { field: useId(), value: useId() };
  const field = fields.find((f) => f.key === fieldKey);
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const selectClass = "mt-0.5 max-w-44 rounded-lg border border-slate-300 bg-surface px-2 py-1 text-sm";
  return (
    <div className="col-span-2 flex items-end gap-1.5 sm:col-span-1" data-testid="field-filter">
      <div>
        <label htmlFor={ids.field} className="block text-xs font-medium text-slate-600">
          {t("filter.field")}
        </label>
        <select id={ids.field} value={field ? fieldKey : ""} onChange={(e) => onChange(e.target.value, "")} className={selectClass}>
          <option value="">{t("filter.anyField")}</option>
          {fields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      {field ? (
        <div className="min-w-0">
          <label htmlFor={ids.value} className="block text-xs font-medium text-slate-600">
            {t("filter.value", { field: field.label })}
          </label>
          {field.type === "select" ? (
            <select id={ids.value} value={value} onChange={(e) => onChange(fieldKey, e.target.value)} className={selectClass}>
              <option value="">{t("filter.anyValue")}</option>
              {field.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={ids.value}
              type={field.type === "date" ? "date" : field.type === "number" ? "number" : "text"}
              step={field.type === "number" ? "any" : undefined}
              value={draft}
              placeholder={field.type === "text" ? t("filter.valuePlaceholder") : undefined}
              onChange={(e) => {
                setDraft(e.target.value);
                if (field.type === "date") onChange(fieldKey, e.target.value);
              }}
              onBlur={() => draft !== value && onChange(fieldKey, draft)}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  onChange(fieldKey, draft);
                }
              }}
              className="mt-0.5 w-32 rounded-lg border border-slate-300 bg-surface px-2 py-1 text-sm"
            />
          )}
        </div>
      ) : null}
    </div>
  );
}
