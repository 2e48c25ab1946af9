"use client";
// Automation rules: build (trigger, conditions, actions), enable/disable, see recent runs.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { PRIORITIES, STATUSES } from "@/lib/vocabulary";
import { ErrorState, Skeleton, relativeTime } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";

const KINDS = ["message", "note", "ticket_event", "product_event", "survey_response", "article_view", "journey_stage"];
const CHANNELS = ["email", "chat", "messenger", "instagram", "whatsapp", "telegram", "x", "api", "system"];
// Operators with their symbol, or null for a word (settings.rules.op.<op>).
const OPS = [
  ["eq", null],
  ["neq", null],
  ["gt", ">"],
  ["gte", "≥"],
  ["lt", "<"],
  ["lte", "≤"],
  ["contains", null],
  ["not_contains", null],
  ["in", null],
  ["exists", null],
] as const;
type T = (key: string, values?: Record<string, string | number>) => string;
const opLabel = (op: string, t: T) => {
  const o = OPS.find((x) => x[0] === op);
  return o ? (o[1] ?? t(`op.${o[0]}`)) : op;
};
const FIELDS = [
  "sentiment",
  "sentiment.score",
  "sentiment.cues",
  "payload.amount",
  "payload.plan",
  "payload.url",
  "text",
  "name",
  "channel",
  "customer.name",
  "customer.attributes.plan",
  "customer.journeyStage",
  "customer.lifetimeValue",
  "friction",
  "conversation.friction",
  "priority",
  "status",
  "tags",
  "assigneeId",
  "waitingMinutes",
];
// Labels: settings.rules.actionType.<type>.
const ACTION_TYPES = ["add_tags", "remove_tags", "set_priority", "set_status", "assign", "send_message", "open_ticket", "send_survey", "notify", "webhook"] as const;

type Cond = { field: string; op: string; value: string };
type Act = Record<string, unknown> & { type: string };
type Form = {
  id: string | null;
  name: string;
  enabled: boolean;
  triggerType: "event" | "timer";
  kind: string;
  eventName: string;
  channel: string;
  actor: string;
  sentiment: string;
  minutes: number;
  conditions: Cond[];
  actions: Act[];
};

const EMPTY: Form = { id: null, name: "", enabled: true, triggerType: "event", kind: "product_event", eventName: "purchase", channel: "", actor: "", sentiment: "", minutes: 60, conditions: [], actions: [{ type: "add_tags", tags: [] }] };
const input = "rounded-md border border-slate-300 bg-surface px-2 py-1.5 text-sm";

function defaultsFor(type: string): Act {
  switch (type) {
    case "add_tags":
    case "remove_tags":
      return { type, tags: [] };
    case "set_priority":
      return { type, priority: "high" };
    case "set_status":
      return { type, status: "pending" };
    case "send_survey":
      return { type, kind: "nps" };
    case "notify":
      return { type, role: "supervisor" };
    case "send_message":
      return { type, body: "" };
    case "webhook":
      return { type, url: "" };
    default:
      return { type };
  }
}

function toValue(op: string, raw: string): unknown {
  const v = raw.trim();
  if (op === "in") return v.split(",").map((s) => s.trim()).filter(Boolean);
  if (op === "exists") return v === "false" ? false : true;
  if (v !== "" && Number.isFinite(Number(v))) return Number(v);
  return v;
}

function fromRule(r: { id: string; name: string; enabled: boolean; trigger: unknown; conditions: unknown; actions: unknown }): Form {
  const t = (r.trigger ?? {}) as Record<string, unknown>;
  const conds = (Array.isArray(r.conditions) ? r.conditions : []) as { field: string; op: string; value?: unknown }[];
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    triggerType: typeof t.timer === "string" ? "timer" : "event",
    kind: String(t.kind ?? ""),
    eventName: String(t.name ?? ""),
    channel: String(t.channel ?? ""),
    actor: String(t.actor ?? ""),
    sentiment: String(t.sentiment ?? ""),
    minutes: Number(t.minutes ?? 60),
    conditions: conds.map((c) => ({ field: c.field, op: c.op, value: Array.isArray(c.value) ? c.value.join(", ") : c.value === undefined ? "" : String(c.value) })),
    actions: (Array.isArray(r.actions) ? r.actions : []) as Act[],
  };
}

function toInput(f: Form) {
  const trigger =
    f.triggerType === "timer"
      ? { timer: "no_reply", minutes: f.minutes }
      : Object.fromEntries(Object.entries({ kind: f.kind, name: f.eventName.trim(), channel: f.channel, actor: f.actor, sentiment: f.sentiment }).filter(([, v]) => v));
  return {
    name: f.name,
    enabled: f.enabled,
    trigger,
    conditions: f.conditions.filter((c) => c.field.trim()).map((c) => ({ field: c.field.trim(), op: c.op, value: toValue(c.op, c.value) })),
    actions: f.actions.map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== "" && v !== undefined && !(Array.isArray(v) && v.length === 0 && a.type !== "add_tags" && a.type !== "remove_tags")))),
  };
}

function describeTrigger(trigger: unknown, t: T): string {
  const x = (trigger ?? {}) as Record<string, unknown>;
  if (typeof x.timer === "string") return t("describe.noReply", { minutes: String(x.minutes) });
  const parts = [x.kind ? String(x.kind).replace("_", " ") : t("describe.anyEvent"), x.name ? t("describe.quoted", { name: String(x.name) }) : null, x.channel ? t("describe.on", { channel: String(x.channel) }) : null, x.actor ? t("describe.by", { actor: String(x.actor) }) : null, x.sentiment === "turned_negative" ? t("describe.turnedNegative") : x.sentiment === "negative" ? t("describe.negative") : null];
  return parts.filter(Boolean).join(" ");
}

function describeConditions(c: unknown, t: T): string {
  const list = (Array.isArray(c) ? c : []) as { field: string; op: string; value?: unknown }[];
  if (!list.length) return t("describe.always");
  return list.map((x) => `${x.field} ${opLabel(x.op, t)} ${Array.isArray(x.value) ? x.value.join("/") : x.value ?? ""}`.trim()).join(t("describe.and"));
}

function describeActions(a: unknown, t: T): string {
  const list = (Array.isArray(a) ? a : []) as Act[];
  return list
    .map((x) => {
      const label = (ACTION_TYPES as readonly string[]).includes(x.type) ? t(`actionType.${x.type}`) : x.type;
      if (x.type === "add_tags" || x.type === "remove_tags") return t("describe.labelValue", { label, value: String((x.tags as string[] | undefined)?.join(", ")) });
      if (x.type === "set_priority") return t("describe.labelValue", { label, value: String(x.priority) });
      if (x.type === "set_status") return `${t("describe.labelValue", { label, value: String(x.status) })}${x.status === "snoozed" ? t("describe.forHours", { hours: String(x.snoozeHours ?? 24) }) : ""}`;
      if (x.type === "notify") return t("describe.notify", { role: x.role ? String(x.role) : t("describe.people") });
      if (x.type === "send_survey") return t("describe.send", { kind: String(x.kind).toUpperCase() });
      return label;
    })
    .join(" · ");
}

export function RulesSettings() {
  const t = useTranslations("settings.rules");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const rules = useQuery(trpc.rules.list.queryOptions());
  const runs = useQuery(trpc.rules.runs.queryOptions({ limit: 30 }));
  const options = useQuery(trpc.rules.options.queryOptions());
  const [form, setForm] = useState<Form | null>(null);
  const invalidate = () => void qc.invalidateQueries({ queryKey: trpc.rules.pathKey() });
  const create = useMutation(trpc.rules.create.mutationOptions({ onSuccess: () => { setForm(null); invalidate(); } }));
  const update = useMutation(trpc.rules.update.mutationOptions({ onSuccess: () => { setForm(null); invalidate(); } }));
  const toggle = useMutation(trpc.rules.setEnabled.mutationOptions({ onSuccess: invalidate }));
  const del = useMutation(trpc.rules.delete.mutationOptions({ onSuccess: invalidate }));
  const saving = create.isPending || update.isPending;
  const saveError = create.error ?? update.error;

  return (
    <div className="space-y-6">
      <Panel title={t("title")} actions={<button type="button" onClick={() => setForm(EMPTY)} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">{t("newRule")}</button>}>
        <p className="mb-3 text-sm text-slate-500">
          {t("intro")}
        </p>
        {rules.isPending ? <Skeleton lines={3} /> : rules.isError ? <ErrorState error={rules.error} /> : (
          <ul className="divide-y divide-slate-100" data-testid="rule-list">
            {rules.data.map((r) => (
              <li key={r.id} className="flex items-start gap-4 py-3">
                <label className="mt-0.5 inline-flex cursor-pointer items-center" title={r.enabled ? t("enabled") : t("disabled")}>
                  <input type="checkbox" className="peer sr-only" checked={r.enabled} onChange={(e) => toggle.mutate({ id: r.id, enabled: e.target.checked })} aria-label={r.enabled ? t("disableLabel", { name: r.name }) : t("enableLabel", { name: r.name })} />
                  <span className="h-5 w-9 rounded-full bg-slate-300 transition peer-checked:bg-emerald-500 after:ml-0.5 after:mt-0.5 after:block after:h-4 after:w-4 after:rounded-full after:bg-white after:transition peer-checked:after:translate-x-4" />
                </label>
                <div className="min-w-0 flex-1">
                  <p className={`font-medium ${r.enabled ? "text-slate-900" : "text-slate-500"}`}>{r.name}{r.invalid ? <span className="ms-2 rounded bg-red-100 px-1.5 text-xs text-red-700">{t("invalid")}</span> : null}</p>
                  <p className="mt-0.5 text-xs text-slate-600"><span className="font-semibold text-slate-500">{t("when")}</span> {describeTrigger(r.trigger, t)} <span className="font-semibold text-slate-500">{t("if")}</span> {describeConditions(r.conditions, t)}</p>
                  <p className="text-xs text-slate-600"><span className="font-semibold text-slate-500">{t("then")}</span> {describeActions(r.actions, t)}</p>
                </div>
                <div className="shrink-0 text-end text-xs text-slate-500">
                  <p>{t("runs", { count: r.fired })}{r.failed ? <span className="text-red-600">{t("failed", { count: String(r.failed) })}</span> : null}</p>
                  <p>{r.lastFiredAt ? t("last", { when: relativeTime(r.lastFiredAt, Date.now(), locale) }) : t("neverFired")}</p>
                  <p className="mt-1 space-x-3">
                    <button type="button" className="font-medium text-brand-700 hover:underline" onClick={() => setForm(fromRule(r))}>{t("edit")}</button>
                    <button type="button" className="font-medium text-red-700 hover:underline" onClick={() => confirm(t("confirmDelete", { name: r.name })) && del.mutate({ id: r.id })}>{t("delete")}</button>
                  </p>
                </div>
              </li>
            ))}
            {rules.data.length === 0 ? <li className="py-3 text-sm text-slate-500">{t("empty")}</li> : null}
          </ul>
        )}
      </Panel>

      {form ? (
        <Panel title={form.id ? t("editTitle", { name: form.name }) : t("newRule")}>
          <RuleForm
            form={form}
            setForm={setForm}
            options={options.data}
            saving={saving}
            error={saveError?.message ?? null}
            onSubmit={() => (form.id ? update.mutate({ id: form.id, ...toInput(form) }) : create.mutate(toInput(form)))}
            onCancel={() => setForm(null)}
          />
        </Panel>
      ) : null}

      <Panel title={t("recentRuns")}>
        {runs.isPending ? <Skeleton lines={2} /> : runs.isError ? <ErrorState error={runs.error} /> : runs.data.length === 0 ? <p className="text-sm text-slate-500">{t("noRuns")}</p> : (
          <div className="-mx-4 overflow-x-auto">
            <table className="w-full text-sm" data-testid="rule-runs">
              <thead className="border-b border-slate-100 text-start text-xs uppercase tracking-wide text-slate-500">
                <tr><th className="px-4 py-2">{t("column.when")}</th><th className="px-3 py-2">{t("column.rule")}</th><th className="px-3 py-2">{t("column.status")}</th><th className="px-3 py-2">{t("column.what")}</th></tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {runs.data.map((run) => {
                  const result = (run.result ?? {}) as { actions?: { type: string; ok: boolean; detail: string }[]; eventText?: string | null };
                  return (
                    <tr key={run.id} className="align-top">
                      <td className="px-4 py-2 whitespace-nowrap text-slate-500" title={new Date(run.createdAt).toLocaleString(locale)}>{relativeTime(run.createdAt, Date.now(), locale)}</td>
                      <td className="px-3 py-2 font-medium">{run.rule.name}<p className="max-w-56 truncate text-xs font-normal text-slate-500" title={result.eventText ?? run.triggerKey}>{result.eventText ?? run.triggerKey}</p></td>
                      <td className="px-3 py-2"><span className={`rounded-full px-2 py-0.5 text-xs font-medium ${run.status === "ok" ? "bg-emerald-50 text-emerald-700" : run.status === "running" ? "bg-slate-100 text-slate-600" : "bg-red-50 text-red-700"}`}>{run.status}</span></td>
                      <td className="px-3 py-2 text-xs text-slate-600">
                        {(result.actions ?? []).map((a, i) => <p key={i} className={a.ok ? "" : "text-red-700"}>{a.ok ? "✓" : "✗"} {a.detail}</p>)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  );
}

type Options = { users: { id: string; name: string; role: string }[]; teams: { id: string; name: string }[]; inboxes: { id: string; name: string; channel: string }[] } | undefined;

function RuleForm({ form, setForm, options, saving, error, onSubmit, onCancel }: { form: Form; setForm: (f: Form) => void; options: Options; saving: boolean; error: string | null; onSubmit: () => void; onCancel: () => void }) {
  const t = useTranslations("settings.rules");
  const setAction = (i: number, a: Act) => setForm({ ...form, actions: form.actions.map((x, j) => (j === i ? a : x)) });
  return (
    <form
      className="space-y-5"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-1 flex-col gap-1 text-xs font-medium text-slate-600">{t("form.name")}<input required className={input} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder={t("form.namePlaceholder")} /></label>
        <label className="flex items-center gap-2 pb-2 text-sm"><input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> {t("form.enabled")}</label>
      </div>

      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("form.when")}</legend>
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.trigger")}
            <select className={input} value={form.triggerType} onChange={(e) => setForm({ ...form, triggerType: e.target.value as Form["triggerType"] })}>
              <option value="event">{t("form.touchpoint")}</option>
              <option value="timer">{t("form.timer")}</option>
            </select>
          </label>
          {form.triggerType === "timer" ? (
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.minutes")}<input type="number" min={1} className={`${input} w-28`} value={form.minutes} onChange={(e) => setForm({ ...form, minutes: Number(e.target.value) })} /></label>
          ) : (
            <>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.kind")}<select className={input} value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}><option value="">{t("form.any")}</option>{KINDS.map((k) => <option key={k} value={k}>{k.replace("_", " ")}</option>)}</select></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.eventName")}<input className={`${input} w-40`} value={form.eventName} onChange={(e) => setForm({ ...form, eventName: e.target.value })} placeholder={t("form.eventNamePlaceholder")} /></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.channel")}<select className={input} value={form.channel} onChange={(e) => setForm({ ...form, channel: e.target.value })}><option value="">{t("form.any")}</option>{CHANNELS.map((c) => <option key={c}>{c}</option>)}</select></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.by")}<select className={input} value={form.actor} onChange={(e) => setForm({ ...form, actor: e.target.value })}><option value="">{t("form.anyone")}</option><option value="customer">{t("form.customer")}</option><option value="agent">{t("form.agent")}</option><option value="system">{t("form.system")}</option></select></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">{t("form.sentiment")}<select className={input} value={form.sentiment} onChange={(e) => setForm({ ...form, sentiment: e.target.value })}><option value="">{t("form.any")}</option><option value="negative">{t("form.negative")}</option><option value="turned_negative">{t("form.turnedNegative")}</option></select></label>
            </>
          )}
        </div>
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("form.ifAll")}</legend>
        <datalist id="rule-fields">{FIELDS.map((f) => <option key={f} value={f} />)}</datalist>
        <ul className="space-y-2">
          {form.conditions.map((c, i) => (
            <li key={i} className="flex flex-wrap items-center gap-2">
              <input list="rule-fields" aria-label={t("form.field")} className={`${input} w-56`} value={c.field} onChange={(e) => setForm({ ...form, conditions: form.conditions.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)) })} placeholder="payload.amount" />
              <select aria-label={t("form.operator")} className={input} value={c.op} onChange={(e) => setForm({ ...form, conditions: form.conditions.map((x, j) => (j === i ? { ...x, op: e.target.value } : x)) })}>{OPS.map(([k]) => <option key={k} value={k}>{opLabel(k, t)}</option>)}</select>
              {c.op !== "exists" ? <input aria-label={t("form.value")} className={`${input} w-48`} value={c.value} onChange={(e) => setForm({ ...form, conditions: form.conditions.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })} placeholder={c.op === "in" ? "high, urgent" : "500"} /> : null}
              <button type="button" className="text-sm text-slate-500 hover:text-red-700" onClick={() => setForm({ ...form, conditions: form.conditions.filter((_, j) => j !== i) })} aria-label={t("form.removeCondition")}>✕</button>
            </li>
          ))}
        </ul>
        <button type="button" className="mt-2 text-sm font-medium text-brand-700 hover:underline" onClick={() => setForm({ ...form, conditions: [...form.conditions, { field: "", op: "eq", value: "" }] })}>{t("form.addCondition")}</button>
        <p className="mt-1 text-xs text-slate-500">{t("form.fieldsHelp")}</p>
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("form.then")}</legend>
        <ol className="space-y-3">
          {form.actions.map((a, i) => (
            <li key={i} className="flex flex-wrap items-start gap-2 rounded-md bg-slate-50 p-2">
              <span className="mt-1.5 w-5 text-xs font-semibold text-slate-500">{i + 1}.</span>
              <select aria-label={t("form.action")} className={input} value={a.type} onChange={(e) => setAction(i, defaultsFor(e.target.value))}>{ACTION_TYPES.map((k) => <option key={k} value={k}>{t(`actionType.${k}`)}</option>)}</select>
              <ActionFields action={a} onChange={(x) => setAction(i, x)} options={options} />
              <button type="button" className="mt-1.5 ms-auto text-sm text-slate-500 hover:text-red-700" onClick={() => setForm({ ...form, actions: form.actions.filter((_, j) => j !== i) })} aria-label={t("form.removeAction")}>✕</button>
            </li>
          ))}
        </ol>
        <button type="button" className="mt-2 text-sm font-medium text-brand-700 hover:underline" onClick={() => setForm({ ...form, actions: [...form.actions, { type: "notify", role: "supervisor" }] })}>{t("form.addAction")}</button>
        <p className="mt-1 text-xs text-slate-500">{t("form.templateHelp", { a: "{{customer.firstName}}", b: "{{customer.name}}", c: "{{payload.amount}}", d: "{{conversation.number}}", e: "{{event.text}}" })}</p>
      </fieldset>

      <div className="flex items-center gap-2">
        <button type="submit" disabled={saving} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">{form.id ? t("form.save") : t("form.create")}</button>
        <button type="button" onClick={onCancel} className="rounded-md px-3 py-2 text-sm text-slate-600 hover:bg-slate-100">{t("form.cancel")}</button>
        {error ? <span role="alert" className="text-sm text-red-700">{error}</span> : null}
      </div>
    </form>
  );
}

function ActionFields({ action: a, onChange, options }: { action: Act; onChange: (a: Act) => void; options: Options }) {
  const t = useTranslations("settings.rules.fields");
  const set = (k: string, v: unknown) => onChange({ ...a, [k]: v });
  switch (a.type) {
    case "add_tags":
    case "remove_tags":
      return <TagsInput tags={(a.tags as string[]) ?? []} onChange={(tags) => set("tags", tags)} />;
    case "set_priority":
      return <select aria-label={t("priority")} className={input} value={String(a.priority ?? "high")} onChange={(e) => set("priority", e.target.value)}>{PRIORITIES.map((p) => <option key={p}>{p}</option>)}</select>;
    case "set_status":
      return (
        <>
          <select aria-label={t("status")} className={input} value={String(a.status ?? "pending")} onChange={(e) => set("status", e.target.value)}>{STATUSES.map((p) => <option key={p}>{p}</option>)}</select>
          {a.status === "snoozed" && (
            <label className="flex items-center gap-1 text-sm text-slate-600">
              {t("snoozeFor")}
              <input type="number" min={1} max={2160} aria-label={t("snoozeHours")} className={`${input} w-20`} value={Number(a.snoozeHours ?? 24)} onChange={(e) => set("snoozeHours", Math.max(1, Number(e.target.value) || 24))} />
              {t("hours")}
            </label>
          )}
        </>
      );
    case "assign":
      return (
        <>
          <select aria-label={t("agent")} className={input} value={a.userId === null ? "none" : String(a.userId ?? "")} onChange={(e) => set("userId", e.target.value === "none" ? null : e.target.value || undefined)}>
            <option value="">{t("keepAgent")}</option><option value="none">{t("unassign")}</option>{options?.users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
          <select aria-label={t("team")} className={input} value={String(a.teamId ?? "")} onChange={(e) => set("teamId", e.target.value || undefined)}>
            <option value="">{t("keepTeam")}</option>{options?.teams.map((team) => <option key={team.id} value={team.id}>{team.name}</option>)}
          </select>
        </>
      );
    case "send_message":
      return <textarea aria-label={t("message")} rows={2} className={`${input} min-w-72 flex-1`} value={String(a.body ?? "")} onChange={(e) => set("body", e.target.value)} placeholder="Hi {{customer.firstName}}, …" />;
    case "open_ticket":
      return (
        <>
          <select aria-label={t("inbox")} className={input} value={String(a.inboxId ?? "")} onChange={(e) => set("inboxId", e.target.value || undefined)}>
            <option value="">{t("defaultInbox")}</option>{options?.inboxes.map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
          </select>
          <input aria-label={t("subject")} className={`${input} w-64`} value={String(a.subject ?? "")} onChange={(e) => set("subject", e.target.value)} placeholder={t("subjectPlaceholder")} />
          <select aria-label={t("priority")} className={input} value={String(a.priority ?? "")} onChange={(e) => set("priority", e.target.value || undefined)}><option value="">{t("normalPriority")}</option>{PRIORITIES.filter((p) => p !== "normal").map((p) => <option key={p}>{p}</option>)}</select>
        </>
      );
    case "send_survey":
      return <select aria-label={t("survey")} className={input} value={String(a.kind ?? "nps")} onChange={(e) => set("kind", e.target.value)}><option value="nps">NPS (0–10)</option><option value="csat">CSAT (1–5)</option><option value="ces">CES (1–7)</option></select>;
    case "notify":
      return (
        <>
          <select aria-label={t("who")} className={input} value={String(a.role ?? "supervisor")} onChange={(e) => set("role", e.target.value)}>
            <option value="supervisor">{t("supervisors")}</option><option value="admin">{t("admins")}</option><option value="agent">{t("allAgents")}</option><option value="assignee">{t("assignee")}</option>
          </select>
          <input aria-label={t("notificationText")} className={`${input} w-72`} value={String(a.message ?? "")} onChange={(e) => set("message", e.target.value)} placeholder={t("textPlaceholder")} />
        </>
      );
    case "webhook":
      return (
        <>
          <input aria-label={t("url")} type="url" className={`${input} w-72`} value={String(a.url ?? "")} onChange={(e) => set("url", e.target.value)} placeholder="https://example.com/hooks/throughline" />
          <input aria-label={t("secretVariable")} className={`${input} w-48`} value={String(a.secretEnv ?? "")} onChange={(e) => set("secretEnv", e.target.value || undefined)} placeholder={t("secretPlaceholder")} />
        </>
      );
    default:
      return null;
  }
}

/** Comma-separated tags; keeps the text as typed (so a trailing comma survives). */
function TagsInput({ tags, onChange }: { tags: string[]; onChange: (tags: string[]) => void }) {
  const t = useTranslations("settings.rules.fields");
  const [text, setText] = useState(tags.join(", "));
  return (
    <input
      aria-label={t("tags")}
      className={`${input} w-64`}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value.split(",").map((x) => x.trim()).filter(Boolean));
      }}
      placeholder="vip, billing"
    />
  );
}
