"use client";
// Teams: their names, the inboxes their agents see, their members.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { Skeleton } from "@/components/ui";
import { ChannelBadge } from "@/components/channel";
import { Panel } from "@/components/charts/kpi";
import { Checklist, FormError, Notice, inputClass, linkButton, primaryButton, secondaryButton, useFocusOnOpen, FormActions , ListStates, SettingsTable } from "../form-kit";

type Form = { id: string | null; name: string; inboxIds: string[]; memberIds: string[] };
const EMPTY: Form = { id: null, name: "", inboxIds: [], memberIds: [] };

export function TeamsSettings() {
  const t = useTranslations("settings.teams");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const teams = useQuery(trpc.people.teams.queryOptions());
  const options = useQuery(trpc.people.teamOptions.queryOptions());
  const [form, setForm] = useState<Form | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const done = (text: string) => {
    setNotice(text);
    setForm(null);
    void qc.invalidateQueries({ queryKey: trpc.people.pathKey() });
  };
  const create = useMutation(trpc.people.createTeam.mutationOptions({ onSuccess: (team) => done(t("notice.created", { name: team.name })) }));
  const update = useMutation(trpc.people.updateTeam.mutationOptions({ onSuccess: () => done(t("notice.saved")) }));
  const open = (f: Form) => {
    create.reset();
    update.reset();
    setNotice(null);
    setForm(f);
  };

  return (
    <div className="space-y-6">
      <Notice text={notice} />
      {form ? (
        <Panel title={form.id ? t("editTitle", { name: form.name }) : t("newTeam")}>
          <TeamForm
            form={form}
            setForm={setForm}
            options={options.data}
            saving={create.isPending || update.isPending}
            error={form.id ? update.error : create.error}
            onCancel={() => setForm(null)}
            onSubmit={() => (form.id ? update.mutate({ id: form.id, name: form.name, inboxIds: form.inboxIds, memberIds: form.memberIds }) : create.mutate({ name: form.name, inboxIds: form.inboxIds, memberIds: form.memberIds }))}
          />
        </Panel>
      ) : null}
      <Panel
        title={t("title")}
        actions={
          <button type="button" className={primaryButton} onClick={() => open(EMPTY)}>
            {t("newTeam")}
          </button>
        }
      >
        <p className="mb-3 text-sm text-slate-600">{t("intro")}</p>
        <ListStates query={teams} emptyTitle={t("empty.title")} emptyText={t("empty.text")}>
          {(items) => (
          <ul className="grid gap-3 md:grid-cols-2 lg:grid-cols-3" data-testid="team-list">
            {items.map((team) => (
              <li key={team.id} className="flex flex-col rounded-lg p-4 ring-1 ring-slate-200">
                <div className="flex items-start justify-between gap-2">
                  <h3 className="font-semibold text-slate-900">{team.name}</h3>
                  <button type="button" className={linkButton} aria-label={t("editTitle", { name: team.name })} onClick={() => open({ id: team.id, name: team.name, inboxIds: team.inboxes.map((i) => i.id), memberIds: team.members.map((m) => m.id) })}>
                    {t("edit")}
                  </button>
                </div>
                <p className="mt-2 text-xs font-semibold uppercase tracking-wide text-slate-600">{t("inboxes")}</p>
                {team.inboxes.length ? (
                  <ul className="mt-1 flex flex-wrap gap-1.5">
                    {team.inboxes.map((i) => (
                      <li key={i.id} className="inline-flex items-center gap-1 text-xs text-slate-700">
                        <ChannelBadge channel={i.channel} compact /> {i.name}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="mt-1 text-sm text-slate-500">{t("noInboxes")}</p>
                )}
                <p className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-600">{t("members", { count: team.members.length })}</p>
                <p className="mt-1 text-sm text-slate-700">
                  {team.members.length
                    ? team.members.map((m, i) => (
                        <span key={m.id} className={m.deactivatedAt ? "text-slate-500 line-through" : ""}>
                          {m.name}
                          {i < team.members.length - 1 ? ", " : ""}
                        </span>
                      ))
                    : <span className="text-slate-500">{t("noMembers")}</span>}
                </p>
              </li>
            ))}
          </ul>
          )}
        </ListStates>
      </Panel>
    </div>
  );
}

type Options = { inboxes: { id: string; name: string; channel: string }[]; users: { id: string; name: string; role: string }[] } | undefined;

function TeamForm({ form, setForm, options, saving, error, onSubmit, onCancel }: { form: Form; setForm: (f: Form) => void; options: Options; saving: boolean; error: unknown; onSubmit: () => void; onCancel: () => void }) {
  const t = useTranslations("settings.teams.form");
  const tr = useTranslations("settings.people.role");
  const first = useFocusOnOpen<HTMLInputElement>(true);
  return (
    <form
      className="space-y-4"
      aria-label={form.id ? t("editLabel") : t("newLabel")}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <label className="flex max-w-sm flex-col gap-1 text-xs font-medium text-slate-700">
        {t("name")}
        <input ref={first} required maxLength={80} className={inputClass} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder={t("namePlaceholder")} />
      </label>
      {options ? (
        <>
          <Checklist
            legend={t("inboxes")}
            items={options.inboxes}
            selected={form.inboxIds}
            onChange={(inboxIds) => setForm({ ...form, inboxIds })}
            render={(i) => (
              <span className="inline-flex items-center gap-1.5">
                <ChannelBadge channel={i.channel} compact /> {i.name}
              </span>
            )}
          />
          <Checklist
            legend={t("members")}
            items={options.users}
            selected={form.memberIds}
            onChange={(memberIds) => setForm({ ...form, memberIds })}
            render={(u) => (
              <span>
                {u.name} <span className="text-xs capitalize text-slate-600">· {tr(u.role)}</span>
              </span>
            )}
          />
        </>
      ) : (
        <Skeleton lines={2} />
      )}
      <FormActions submitLabel={form.id ? t("save") : t("create")} saving={saving} onCancel={onCancel} error={error} />
    </form>
  );
}
