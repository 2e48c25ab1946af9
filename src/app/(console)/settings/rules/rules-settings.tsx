"use client";
// Automation rules: build (trigger, conditions, actions), enable/disable, see recent runs.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { PRIORITIES, STATUSES } from "@/lib/vocabulary";
import { ErrorState, Skeleton, relativeTime } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";

const KINDS = ["message", "note", "ticket_event", "product_event", "survey_response", "article_view", "journey_stage"];
const CHANNELS = ["email", "chat", "messenger", "instagram", "whatsapp", "telegram", "x", "api", "system"];
const OPS = [
  ["eq", "is"],
  ["neq", "is not"],
  ["gt", ">"],
  ["gte", "≥"],
  ["lt", "<"],
  ["lte", "≤"],
  ["contains", "contains"],
  ["not_contains", "does not contain"],
  ["in", "is one of"],
  ["exists", "is set"],
] as const;
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
const ACTION_TYPES = [
  ["add_tags", "Add tags"],
  ["remove_tags", "Remove tags"],
  ["set_priority", "Set priority"],
  ["set_status", "Set status"],
  ["assign", "Assign"],
  ["send_message", "Send a message"],
  ["open_ticket", "Open a ticket"],
  ["send_survey", "Send a survey"],
  ["notify", "Notify agents"],
  ["webhook", "POST a webhook"],
] as const;

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

function describeTrigger(t: unknown): string {
  const x = (t ?? {}) as Record<string, unknown>;
  if (typeof x.timer === "string") return `No reply for ${x.minutes} min`;
  const parts = [x.kind ? String(x.kind).replace("_", " ") : "any event", x.name ? `“${x.name}”` : null, x.channel ? `on ${x.channel}` : null, x.actor ? `by ${x.actor}` : null, x.sentiment === "turned_negative" ? "where the customer's sentiment turned negative" : x.sentiment === "negative" ? "with negative sentiment" : null];
  return parts.filter(Boolean).join(" ");
}

function describeConditions(c: unknown): string {
  const list = (Array.isArray(c) ? c : []) as { field: string; op: string; value?: unknown }[];
  if (!list.length) return "always";
  return list.map((x) => `${x.field} ${OPS.find((o) => o[0] === x.op)?.[1] ?? x.op} ${Array.isArray(x.value) ? x.value.join("/") : x.value ?? ""}`.trim()).join(" and ");
}

function describeActions(a: unknown): string {
  const list = (Array.isArray(a) ? a : []) as Act[];
  return list
    .map((x) => {
      const label = ACTION_TYPES.find((t) => t[0] === x.type)?.[1] ?? x.type;
      if (x.type === "add_tags" || x.type === "remove_tags") return `${label}: ${(x.tags as string[] | undefined)?.join(", ")}`;
      if (x.type === "set_priority") return `${label}: ${x.priority}`;
      if (x.type === "set_status") return `${label}: ${x.status}${x.status === "snoozed" ? ` for ${x.snoozeHours ?? 24} h` : ""}`;
      if (x.type === "notify") return `Notify ${x.role ?? "people"}`;
      if (x.type === "send_survey") return `Send ${String(x.kind).toUpperCase()}`;
      return label;
    })
    .join(" · ");
}

export function RulesSettings() {
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
      <Panel title="Automation rules" actions={<button type="button" onClick={() => setForm(EMPTY)} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">New rule</button>}>
        <p className="mb-3 text-sm text-slate-500">
          Rules run on every new touchpoint (and every 30 s for “no reply” timers). Each fires once per triggering event, never on events it caused itself, and chains stop after 3 steps. Every action is audited and shows on the customer’s timeline.
        </p>
        {rules.isPending ? <Skeleton lines={3} /> : rules.isError ? <ErrorState error={rules.error} /> : (
          <ul className="divide-y divide-slate-100" data-testid="rule-list">
            {rules.data.map((r) => (
              <li key={r.id} className="flex items-start gap-4 py-3">
                <label className="mt-0.5 inline-flex cursor-pointer items-center" title={r.enabled ? "Enabled" : "Disabled"}>
                  <input type="checkbox" className="peer sr-only" checked={r.enabled} onChange={(e) => toggle.mutate({ id: r.id, enabled: e.target.checked })} aria-label={`${r.enabled ? "Disable" : "Enable"} ${r.name}`} />
                  <span className="h-5 w-9 rounded-full bg-slate-300 transition peer-checked:bg-emerald-500 after:ml-0.5 after:mt-0.5 after:block after:h-4 after:w-4 after:rounded-full after:bg-white after:transition peer-checked:after:translate-x-4" />
                </label>
                <div className="min-w-0 flex-1">
                  <p className={`font-medium ${r.enabled ? "text-slate-900" : "text-slate-400"}`}>{r.name}{r.invalid ? <span className="ml-2 rounded bg-red-100 px-1.5 text-xs text-red-700">invalid parts ignored</span> : null}</p>
                  <p className="mt-0.5 text-xs text-slate-600"><span className="font-semibold text-slate-500">When</span> {describeTrigger(r.trigger)} <span className="font-semibold text-slate-500">if</span> {describeConditions(r.conditions)}</p>
                  <p className="text-xs text-slate-600"><span className="font-semibold text-slate-500">Then</span> {describeActions(r.actions)}</p>
                </div>
                <div className="shrink-0 text-right text-xs text-slate-500">
                  <p>{r.fired} run{r.fired === 1 ? "" : "s"}{r.failed ? <span className="text-red-600"> · {r.failed} failed</span> : null}</p>
                  <p>{r.lastFiredAt ? `last ${relativeTime(r.lastFiredAt)}` : "never fired"}</p>
                  <p className="mt-1 space-x-3">
                    <button type="button" className="font-medium text-brand-700 hover:underline" onClick={() => setForm(fromRule(r))}>Edit</button>
                    <button type="button" className="font-medium text-red-700 hover:underline" onClick={() => confirm(`Delete the rule “${r.name}”?`) && del.mutate({ id: r.id })}>Delete</button>
                  </p>
                </div>
              </li>
            ))}
            {rules.data.length === 0 ? <li className="py-3 text-sm text-slate-500">No rules yet.</li> : null}
          </ul>
        )}
      </Panel>

      {form ? (
        <Panel title={form.id ? `Edit “${form.name}”` : "New rule"}>
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

      <Panel title="Recent runs">
        {runs.isPending ? <Skeleton lines={2} /> : runs.isError ? <ErrorState error={runs.error} /> : runs.data.length === 0 ? <p className="text-sm text-slate-500">No rule has fired yet.</p> : (
          <div className="-mx-4 overflow-x-auto">
            <table className="w-full text-sm" data-testid="rule-runs">
              <thead className="border-b border-slate-100 text-left text-xs uppercase tracking-wide text-slate-500">
                <tr><th className="px-4 py-2">When</th><th className="px-3 py-2">Rule</th><th className="px-3 py-2">Status</th><th className="px-3 py-2">What happened</th></tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {runs.data.map((run) => {
                  const result = (run.result ?? {}) as { actions?: { type: string; ok: boolean; detail: string }[]; eventText?: string | null };
                  return (
                    <tr key={run.id} className="align-top">
                      <td className="px-4 py-2 whitespace-nowrap text-slate-500" title={new Date(run.createdAt).toLocaleString()}>{relativeTime(run.createdAt)}</td>
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
        <label className="flex flex-1 flex-col gap-1 text-xs font-medium text-slate-600">Rule name<input required className={input} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="e.g. VIP purchase" /></label>
        <label className="flex items-center gap-2 pb-2 text-sm"><input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> Enabled</label>
      </div>

      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">When</legend>
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">Trigger
            <select className={input} value={form.triggerType} onChange={(e) => setForm({ ...form, triggerType: e.target.value as Form["triggerType"] })}>
              <option value="event">A touchpoint happens</option>
              <option value="timer">No reply within…</option>
            </select>
          </label>
          {form.triggerType === "timer" ? (
            <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">Minutes<input type="number" min={1} className={`${input} w-28`} value={form.minutes} onChange={(e) => setForm({ ...form, minutes: Number(e.target.value) })} /></label>
          ) : (
            <>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">Kind<select className={input} value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}><option value="">any</option>{KINDS.map((k) => <option key={k} value={k}>{k.replace("_", " ")}</option>)}</select></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">Name<input className={`${input} w-40`} value={form.eventName} onChange={(e) => setForm({ ...form, eventName: e.target.value })} placeholder="purchase, status…" /></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">Channel<select className={input} value={form.channel} onChange={(e) => setForm({ ...form, channel: e.target.value })}><option value="">any</option>{CHANNELS.map((c) => <option key={c}>{c}</option>)}</select></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">By<select className={input} value={form.actor} onChange={(e) => setForm({ ...form, actor: e.target.value })}><option value="">anyone</option><option value="customer">customer</option><option value="agent">agent</option><option value="system">system</option></select></label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">Customer sentiment<select className={input} value={form.sentiment} onChange={(e) => setForm({ ...form, sentiment: e.target.value })}><option value="">any</option><option value="negative">negative</option><option value="turned_negative">turned negative (sharp drop)</option></select></label>
            </>
          )}
        </div>
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">If (all of)</legend>
        <datalist id="rule-fields">{FIELDS.map((f) => <option key={f} value={f} />)}</datalist>
        <ul className="space-y-2">
          {form.conditions.map((c, i) => (
            <li key={i} className="flex flex-wrap items-center gap-2">
              <input list="rule-fields" aria-label="Field" className={`${input} w-56`} value={c.field} onChange={(e) => setForm({ ...form, conditions: form.conditions.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)) })} placeholder="payload.amount" />
              <select aria-label="Operator" className={input} value={c.op} onChange={(e) => setForm({ ...form, conditions: form.conditions.map((x, j) => (j === i ? { ...x, op: e.target.value } : x)) })}>{OPS.map(([k, l]) => <option key={k} value={k}>{l}</option>)}</select>
              {c.op !== "exists" ? <input aria-label="Value" className={`${input} w-48`} value={c.value} onChange={(e) => setForm({ ...form, conditions: form.conditions.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })} placeholder={c.op === "in" ? "high, urgent" : "500"} /> : null}
              <button type="button" className="text-sm text-slate-500 hover:text-red-700" onClick={() => setForm({ ...form, conditions: form.conditions.filter((_, j) => j !== i) })} aria-label="Remove condition">✕</button>
            </li>
          ))}
        </ul>
        <button type="button" className="mt-2 text-sm font-medium text-brand-700 hover:underline" onClick={() => setForm({ ...form, conditions: [...form.conditions, { field: "", op: "eq", value: "" }] })}>+ Add condition</button>
        <p className="mt-1 text-xs text-slate-400">Fields: payload.* (event data), customer.* (name, attributes.*, journeyStage, lifetimeValue), friction, sentiment (label), sentiment.score, sentiment.cues, priority, status, tags, waitingMinutes…</p>
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Then</legend>
        <ol className="space-y-3">
          {form.actions.map((a, i) => (
            <li key={i} className="flex flex-wrap items-start gap-2 rounded-md bg-slate-50 p-2">
              <span className="mt-1.5 w-5 text-xs font-semibold text-slate-400">{i + 1}.</span>
              <select aria-label="Action" className={input} value={a.type} onChange={(e) => setAction(i, defaultsFor(e.target.value))}>{ACTION_TYPES.map(([k, l]) => <option key={k} value={k}>{l}</option>)}</select>
              <ActionFields action={a} onChange={(x) => setAction(i, x)} options={options} />
              <button type="button" className="mt-1.5 ml-auto text-sm text-slate-500 hover:text-red-700" onClick={() => setForm({ ...form, actions: form.actions.filter((_, j) => j !== i) })} aria-label="Remove action">✕</button>
            </li>
          ))}
        </ol>
        <button type="button" className="mt-2 text-sm font-medium text-brand-700 hover:underline" onClick={() => setForm({ ...form, actions: [...form.actions, { type: "notify", role: "supervisor" }] })}>+ Add action</button>
        <p className="mt-1 text-xs text-slate-400">Messages may use {"{{customer.firstName}}"}, {"{{customer.name}}"}, {"{{payload.amount}}"}, {"{{conversation.number}}"}, {"{{event.text}}"}.</p>
      </fieldset>

      <div className="flex items-center gap-2">
        <button type="submit" disabled={saving} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50">{form.id ? "Save rule" : "Create rule"}</button>
        <button type="button" onClick={onCancel} className="rounded-md px-3 py-2 text-sm text-slate-600 hover:bg-slate-100">Cancel</button>
        {error ? <span role="alert" className="text-sm text-red-700">{error}</span> : null}
      </div>
    </form>
  );
}

function ActionFields({ action: a, onChange, options }: { action: Act; onChange: (a: Act) => void; options: Options }) {
  const set = (k: string, v: unknown) => onChange({ ...a, [k]: v });
  switch (a.type) {
    case "add_tags":
    case "remove_tags":
      return <TagsInput tags={(a.tags as string[]) ?? []} onChange={(tags) => set("tags", tags)} />;
    case "set_priority":
      return <select aria-label="Priority" className={input} value={String(a.priority ?? "high")} onChange={(e) => set("priority", e.target.value)}>{PRIORITIES.map((p) => <option key={p}>{p}</option>)}</select>;
    case "set_status":
      return (
        <>
          <select aria-label="Status" className={input} value={String(a.status ?? "pending")} onChange={(e) => set("status", e.target.value)}>{STATUSES.map((p) => <option key={p}>{p}</option>)}</select>
          {a.status === "snoozed" && (
            <label className="flex items-center gap-1 text-sm text-slate-600">
              for
              <input type="number" min={1} max={2160} aria-label="Snooze hours" className={`${input} w-20`} value={Number(a.snoozeHours ?? 24)} onChange={(e) => set("snoozeHours", Math.max(1, Number(e.target.value) || 24))} />
              hours
            </label>
          )}
        </>
      );
    case "assign":
      return (
        <>
          <select aria-label="Agent" className={input} value={a.userId === null ? "none" : String(a.userId ?? "")} onChange={(e) => set("userId", e.target.value === "none" ? null : e.target.value || undefined)}>
            <option value="">keep agent</option><option value="none">unassign</option>{options?.users.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
          <select aria-label="Team" className={input} value={String(a.teamId ?? "")} onChange={(e) => set("teamId", e.target.value || undefined)}>
            <option value="">keep team</option>{options?.teams.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </>
      );
    case "send_message":
      return <textarea aria-label="Message" rows={2} className={`${input} min-w-72 flex-1`} value={String(a.body ?? "")} onChange={(e) => set("body", e.target.value)} placeholder="Hi {{customer.firstName}}, …" />;
    case "open_ticket":
      return (
        <>
          <select aria-label="Inbox" className={input} value={String(a.inboxId ?? "")} onChange={(e) => set("inboxId", e.target.value || undefined)}>
            <option value="">default inbox</option>{options?.inboxes.map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
          </select>
          <input aria-label="Subject" className={`${input} w-64`} value={String(a.subject ?? "")} onChange={(e) => set("subject", e.target.value)} placeholder="Subject (template)" />
          <select aria-label="Priority" className={input} value={String(a.priority ?? "")} onChange={(e) => set("priority", e.target.value || undefined)}><option value="">normal priority</option>{PRIORITIES.filter((p) => p !== "normal").map((p) => <option key={p}>{p}</option>)}</select>
        </>
      );
    case "send_survey":
      return <select aria-label="Survey" className={input} value={String(a.kind ?? "nps")} onChange={(e) => set("kind", e.target.value)}><option value="nps">NPS (0–10)</option><option value="csat">CSAT (1–5)</option><option value="ces">CES (1–7)</option></select>;
    case "notify":
      return (
        <>
          <select aria-label="Who" className={input} value={String(a.role ?? "supervisor")} onChange={(e) => set("role", e.target.value)}>
            <option value="supervisor">supervisors</option><option value="admin">admins</option><option value="agent">all agents</option><option value="assignee">the assignee</option>
          </select>
          <input aria-label="Notification text" className={`${input} w-72`} value={String(a.message ?? "")} onChange={(e) => set("message", e.target.value)} placeholder="Text (template, optional)" />
        </>
      );
    case "webhook":
      return (
        <>
          <input aria-label="URL" type="url" className={`${input} w-72`} value={String(a.url ?? "")} onChange={(e) => set("url", e.target.value)} placeholder="https://example.com/hooks/throughline" />
          <input aria-label="Secret variable" className={`${input} w-48`} value={String(a.secretEnv ?? "")} onChange={(e) => set("secretEnv", e.target.value || undefined)} placeholder="RULE_… secret variable (optional)" />
        </>
      );
    default:
      return null;
  }
}

/** Comma-separated tags; keeps the text as typed (so a trailing comma survives). */
function TagsInput({ tags, onChange }: { tags: string[]; onChange: (tags: string[]) => void }) {
  const [text, setText] = useState(tags.join(", "));
  return (
    <input
      aria-label="Tags"
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
