"use client";
// Ticket controls of a conversation: status (snooze until a date and time),
// priority, assignee (an agent or a team), tags and subject. Each change is a
// ticket event on the timeline, pushed live to everyone watching. The
// conversation's custom fields (./conversation-fields.tsx) sit below them.
// Words from the "components" messages (ticketControls.*).
import { useMutation, useMutationState, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { PRIORITIES, type ConversationStatus, type Priority } from "@/lib/vocabulary";
import { ConversationFields } from "./conversation-fields";

export type TicketState = {
  id: string;
  inboxId: string;
  status: ConversationStatus;
  priority: Priority;
  assignee: { id: string; name: string } | null;
  team: { id: string; name: string } | null;
  tags: string[];
  snoozedUntil: Date | null;
};

type Changes = {
  status?: TicketState["status"];
  snoozedUntil?: Date | null;
  priority?: TicketState["priority"];
  assigneeId?: string | null;
  teamId?: string | null;
  addTags?: string[];
  removeTags?: string[];
  subject?: string | null;
};

const STATUSES: TicketState["status"][] = ["open", "pending", "snoozed", "resolved", "closed"];

function localInputValue(d: Date) {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The update mutation with cache refresh, shared by controls and keyboard shortcuts. */
export function useTicketUpdate(conversationId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.conversation.update.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.conversation.get.queryKey({ id: conversationId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.conversation.counts.queryKey() });
      },
    }),
  );
}

/**
 * The refusal of the newest update of this conversation, whichever control sent
 * it (these controls, or the page's Resolve button and shortcuts): e.g. the
 * required fields a resolve is missing.
 */
function useLatestUpdateError(conversationId: string): string | null {
  const trpc = useTRPC();
  const states = useMutationState({
    filters: { mutationKey: trpc.conversation.update.mutationKey(), predicate: (m) => (m.state.variables as { id?: string } | undefined)?.id === conversationId },
    select: (m) => ({ status: m.state.status, message: (m.state.error as Error | null)?.message ?? null, at: m.state.submittedAt }),
  });
  // A refused resolve names missing fields; once a field of this conversation
  // is saved after it, the refusal no longer describes the conversation.
  const fieldSaves = useMutationState({
    filters: { mutationKey: trpc.field.setValues.mutationKey(), status: "success", predicate: (m) => (m.state.variables as { conversationId?: string } | undefined)?.conversationId === conversationId },
    select: (m) => m.state.submittedAt,
  });
  const latest = states.reduce<(typeof states)[number] | null>((a, b) => (!a || b.at >= a.at ? b : a), null);
  if (latest?.status !== "error") return null;
  return fieldSaves.some((at) => at > latest.at) ? null : latest.message;
}

export function TicketControls({ ticket }: { ticket: TicketState }) {
  const t = useTranslations("components");
  const format = useFormatter();
  const trpc = useTRPC();
  const ids = { status: useId(), snooze: useId(), priority: useId(), assignee: useId(), tag: useId() };
  const directory = useQuery(trpc.conversation.directory.queryOptions());
  const knownTags = useQuery(trpc.conversation.tags.queryOptions());
  const update = useTicketUpdate(ticket.id);
  const updateError = useLatestUpdateError(ticket.id);
  const [snoozing, setSnoozing] = useState(false);
  const [snoozeAt, setSnoozeAt] = useState(() => localInputValue(new Date(Date.now() + 24 * 3_600_000)));
  const [tag, setTag] = useState("");

  const apply = (changes: Changes) => update.mutate({ id: ticket.id, changes });

  const teamsForInbox = directory.data?.teams.filter((t) => t.inboxIds.includes(ticket.inboxId)) ?? [];
  const agentsForInbox =
    directory.data?.agents.filter((a) => a.role !== "agent" || a.teamIds.some((t) => teamsForInbox.some((x) => x.id === t))) ?? [];
  const assigneeValue = ticket.assignee ? `user:${ticket.assignee.id}` : ticket.team ? `team:${ticket.team.id}` : "";

  return (
    <div className="flex flex-wrap items-end gap-3" data-testid="ticket-controls">
      <div>
        <label htmlFor={ids.status} className="block text-xs font-medium text-slate-600">
          {t("ticketControls.status")}
        </label>
        <select
          id={ids.status}
          value={snoozing ? "snoozed" : ticket.status}
          disabled={update.isPending}
          onChange={(e) => {
            const v = e.target.value as TicketState["status"];
            if (v === "snoozed") setSnoozing(true);
            else {
              setSnoozing(false);
              apply({ status: v });
            }
          }}
          className="mt-0.5 rounded-lg border border-slate-300 bg-surface px-2 py-1.5 text-sm"
        >
          {STATUSES.map((v) => (
            <option key={v} value={v}>
              {t(`ticketControls.statuses.${v}`)}
            </option>
          ))}
        </select>
      </div>
      {snoozing ? (
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            apply({ status: "snoozed", snoozedUntil: new Date(snoozeAt) });
            setSnoozing(false);
          }}
        >
          <div>
            <label htmlFor={ids.snooze} className="block text-xs font-medium text-slate-600">
              {t("ticketControls.snoozeUntil")}
            </label>
            <input id={ids.snooze} type="datetime-local" required value={snoozeAt} min={localInputValue(new Date())} onChange={(e) => setSnoozeAt(e.target.value)} className="mt-0.5 rounded-lg border border-slate-300 bg-surface px-2 py-1 text-sm" />
          </div>
          <button type="submit" className="rounded-lg bg-brand-600 px-2.5 py-1.5 text-sm font-semibold text-white hover:bg-brand-700">
            {t("ticketControls.snooze")}
          </button>
          <button type="button" onClick={() => setSnoozing(false)} className="rounded-lg px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
            {t("ticketControls.cancel")}
          </button>
        </form>
      ) : ticket.status === "snoozed" && ticket.snoozedUntil ? (
        <p className="pb-1.5 text-xs text-slate-600">{t("ticketControls.snoozedUntil", { when: format.dateTime(new Date(ticket.snoozedUntil), { dateStyle: "medium", timeStyle: "short" }) })}</p>
      ) : null}
      <div>
        <label htmlFor={ids.priority} className="block text-xs font-medium text-slate-600">
          {t("ticketControls.priority")}
        </label>
        <select id={ids.priority} value={ticket.priority} disabled={update.isPending} onChange={(e) => apply({ priority: e.target.value as TicketState["priority"] })} className="mt-0.5 rounded-lg border border-slate-300 bg-surface px-2 py-1.5 text-sm">
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`ticketControls.priorities.${p}`)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={ids.assignee} className="block text-xs font-medium text-slate-600">
          {t("ticketControls.assignee")}
        </label>
        <select
          id={ids.assignee}
          value={assigneeValue}
          disabled={update.isPending || directory.isPending}
          onChange={(e) => {
            const [kind, id] = e.target.value.split(":");
            if (!e.target.value) apply({ assigneeId: null, teamId: null });
            else if (kind === "user") apply({ assigneeId: id });
            else apply({ teamId: id, assigneeId: null });
          }}
          className="mt-0.5 max-w-48 rounded-lg border border-slate-300 bg-surface px-2 py-1.5 text-sm"
        >
          <option value="">{t("ticketControls.unassigned")}</option>
          {ticket.assignee && !agentsForInbox.some((a) => a.id === ticket.assignee!.id) ? <option value={`user:${ticket.assignee.id}`}>{ticket.assignee.name}</option> : null}
          <optgroup label={t("ticketControls.agents")}>
            {agentsForInbox.map((a) => (
              <option key={a.id} value={`user:${a.id}`}>
                {a.name}
              </option>
            ))}
          </optgroup>
          <optgroup label={t("ticketControls.teams")}>
            {teamsForInbox.map((team) => (
              <option key={team.id} value={`team:${team.id}`}>
                {t("ticketControls.teamOption", { team: team.name })}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <div className="min-w-0">
        <span className="block text-xs font-medium text-slate-600" id={`${ids.tag}-label`}>
          {t("ticketControls.tags")}
        </span>
        <div className="mt-0.5 flex flex-wrap items-center gap-1" role="group" aria-labelledby={`${ids.tag}-label`}>
          {ticket.tags.map((tag) => (
            <span key={tag} className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-0.5 ps-2 pe-1 text-xs text-slate-800">
              {tag}
              <button type="button" onClick={() => apply({ removeTags: [tag] })} className="rounded-full px-1 text-slate-600 hover:bg-slate-200 hover:text-slate-900" aria-label={t("ticketControls.removeTag", { tag })}>
                ×
              </button>
            </span>
          ))}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (tag.trim()) apply({ addTags: [tag.trim()] });
              setTag("");
            }}
          >
            <label htmlFor={ids.tag} className="sr-only">
              {t("ticketControls.addTag")}
            </label>
            <input id={ids.tag} list={`${ids.tag}-list`} value={tag} onChange={(e) => setTag(e.target.value)} placeholder={t("ticketControls.tagPlaceholder")} className="w-20 rounded-full border border-dashed border-slate-300 bg-surface px-2 py-0.5 text-xs" />
            <datalist id={`${ids.tag}-list`}>
              {knownTags.data?.filter((k) => !ticket.tags.includes(k)).map((k) => <option key={k} value={k} />)}
            </datalist>
          </form>
        </div>
      </div>
      {updateError ? (
        <p role="alert" className="w-full text-sm text-red-700" data-testid="ticket-error">
          {updateError}
        </p>
      ) : null}
      <ConversationFields conversationId={ticket.id} inboxId={ticket.inboxId} />
    </div>
  );
}

/** Inline subject editing for the conversation header. */
export function SubjectEditor({ conversationId, number, subject, fallback }: { conversationId: string; number: number; subject: string | null; fallback: string }) {
  const t = useTranslations("components");
  const update = useTicketUpdate(conversationId);
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(subject ?? "");
  const id = useId();
  if (editing) {
    return (
      <form
        className="flex min-w-0 flex-1 items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ id: conversationId, changes: { subject: value.trim() || null } }, { onSuccess: () => setEditing(false) });
        }}
      >
        <label htmlFor={id} className="sr-only">
          {t("ticketControls.subject")}
        </label>
        <span className="text-lg font-semibold text-slate-500">#{number}</span>
        <input id={id} autoFocus value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={(e) => e.key === "Escape" && setEditing(false)} className="min-w-0 flex-1 rounded-lg border border-slate-300 px-2 py-1 text-base" maxLength={500} />
        <button type="submit" className="rounded-lg bg-brand-600 px-2.5 py-1 text-sm font-semibold text-white">
          {t("ticketControls.save")}
        </button>
        <button type="button" onClick={() => setEditing(false)} className="rounded-lg px-2 py-1 text-sm text-slate-700 hover:bg-slate-100">
          {t("ticketControls.cancel")}
        </button>
      </form>
    );
  }
  return (
    <h1 className="flex min-w-0 flex-1 items-center gap-2 text-lg font-semibold">
      <span className="text-slate-500">#{number}</span>
      <span className="truncate">{subject ?? fallback}</span>
      <button
        type="button"
        onClick={() => {
          setValue(subject ?? "");
          setEditing(true);
        }}
        className="shrink-0 rounded-md px-1.5 py-0.5 text-xs font-medium text-slate-600 hover:bg-slate-100"
        aria-label={t("ticketControls.editSubject")}
      >
        {t("ticketControls.edit")}
      </button>
    </h1>
  );
}
