"use client";
// People: who signs in, their role and teams, last seen; add someone (with an
// initial password to hand over), edit, reset a password, see and end their
// sessions, deactivate.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { initials, relativeTime } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { PersonSessions } from "./person-sessions";
import { Checklist, FormError, Notice, dangerLink, inputClass, linkButton, primaryButton, secondaryButton, useFocusOnOpen, FormActions , ListStates, SettingsTable } from "../form-kit";

type Role = "agent" | "supervisor" | "admin";
type Form = { id: string | null; name: string; email: string; role: Role; teamIds: string[]; password: string };
const EMPTY: Form = { id: null, name: "", email: "", role: "agent", teamIds: [], password: "" };
// Each role's name and help: settings.people.roleOption.* / roleHelp.* (the role values sent stay English).

export function PeopleSettings({ selfId }: { selfId: string }) {
  const t = useTranslations("settings.people");
  const tr = useTranslations("settings.people.role");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const people = useQuery(trpc.people.list.queryOptions());
  const teams = useQuery(trpc.people.teams.queryOptions());
  const [form, setForm] = useState<Form | null>(null);
  const [resetFor, setResetFor] = useState<{ id: string; name: string } | null>(null);
  const [sessionsOf, setSessionsOf] = useState<{ id: string; name: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = () => void qc.invalidateQueries({ queryKey: trpc.people.pathKey() });
  const done = (text: string) => {
    setNotice(text);
    setForm(null);
    setResetFor(null);
    invalidate();
  };
  const create = useMutation(trpc.people.create.mutationOptions({ onSuccess: (u) => done(t("notice.added", { name: u.name })) }));
  const update = useMutation(trpc.people.update.mutationOptions({ onSuccess: () => done(t("notice.saved")) }));
  const setActive = useMutation(trpc.people.setActive.mutationOptions({ onSuccess: (_r, v) => done(v.active ? t("notice.reactivated") : t("notice.deactivated")) }));
  const reset = useMutation(trpc.people.resetPassword.mutationOptions({ onSuccess: () => done(t("notice.reset")) }));
  const unlock = useMutation(trpc.people.unlock.mutationOptions({ onSuccess: () => done(t("notice.unlocked")) }));

  const open = (f: Form) => {
    create.reset();
    update.reset();
    setNotice(null);
    setResetFor(null);
    setForm(f);
  };

  return (
    <div className="space-y-6">
      <Notice text={notice} />
      {setActive.error ? <div className="rounded-md bg-red-50 px-3 py-2 ring-1 ring-red-200"><FormError error={setActive.error} /></div> : null}
      {unlock.error ? <div className="rounded-md bg-red-50 px-3 py-2 ring-1 ring-red-200"><FormError error={unlock.error} /></div> : null}

      {form ? (
        <Panel title={form.id ? t("editTitle", { name: form.name || t("person") }) : t("addTitle")}>
          <PersonForm
            form={form}
            setForm={setForm}
            teams={teams.data ?? []}
            saving={create.isPending || update.isPending}
            error={form.id ? update.error : create.error}
            onCancel={() => setForm(null)}
            onSubmit={() =>
              form.id
                ? update.mutate({ id: form.id, name: form.name, role: form.role, teamIds: form.teamIds })
                : create.mutate({ name: form.name, email: form.email, role: form.role, teamIds: form.teamIds, password: form.password })
            }
          />
        </Panel>
      ) : null}

      {sessionsOf ? <PersonSessions key={sessionsOf.id} person={sessionsOf} isSelf={sessionsOf.id === selfId} onClose={() => setSessionsOf(null)} onEnded={setNotice} /> : null}

      {resetFor ? <ResetPassword person={resetFor} saving={reset.isPending} error={reset.error} onCancel={() => setResetFor(null)} onSubmit={(password) => reset.mutate({ id: resetFor.id, password })} /> : null}

      <Panel
        title={t("title")}
        actions={
          <button type="button" className={primaryButton} onClick={() => open(EMPTY)}>
            {t("addPerson")}
          </button>
        }
      >
        <p className="mb-3 text-sm text-slate-600">{t("intro")}</p>
        <ListStates query={people} lines={4} emptyTitle={t("emptyTitle")} emptyText={t("emptyText")}>
          {(items) => (
            <SettingsTable testId="people-table" columns={[t("column.name"), t("column.role"), t("column.teams"), t("column.lastSeen")]}>
                {items.map((p) => {
                  const inactive = !!p.deactivatedAt;
                  return (
                    <tr key={p.id} className={inactive ? "bg-slate-50/70" : ""}>
                      <td className="px-4 py-2.5">
                        <div className="flex items-center gap-3">
                          <span className="relative shrink-0">
                            <span aria-hidden className={`flex h-8 w-8 items-center justify-center rounded-full text-xs font-semibold ${inactive ? "bg-slate-200 text-slate-500" : "bg-brand-100 text-brand-700"}`}>{initials(p.name)}</span>
                            {p.online ? <span aria-hidden className="absolute -bottom-0.5 -right-0.5 h-2.5 w-2.5 rounded-full bg-emerald-500 ring-2 ring-surface" /> : null}
                          </span>
                          <div className="min-w-0">
                            <p className={`font-medium ${inactive ? "text-slate-500" : "text-slate-900"}`}>
                              {p.name}
                              {p.id === selfId ? <span className="ms-1.5 text-xs font-normal text-slate-500">{t("you")}</span> : null}
                              {inactive ? <span className="ms-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-700">{t("deactivatedBadge")}</span> : null}
                              {p.locked && !inactive ? <span className="ms-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900" title={p.lockedUntil ? t("lockedTitle", { time: new Date(p.lockedUntil).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" }) }) : undefined}>{t("locked")}</span> : null}
                            </p>
                            <p className="truncate text-xs text-slate-600">
                              {p.email}
                              {p.signIn.sso ? <span className="ms-1.5 rounded bg-sky-50 px-1 py-0.5 text-[11px] font-medium text-sky-800 ring-1 ring-sky-200" title={t("ssoTitle")}>SSO</span> : null}
                              {!p.signIn.password ? <span className="ms-1 rounded bg-slate-100 px-1 py-0.5 text-[11px] text-slate-700" title={t("noPasswordTitle")}>{t("noPassword")}</span> : null}
                            </p>
                          </div>
                        </div>
                      </td>
                      <td className="px-3 py-2.5 capitalize">{tr(p.role)}</td>
                      <td className="px-3 py-2.5 text-slate-700">{p.teams.length ? p.teams.map((team) => team.name).join(", ") : <span className="text-slate-500">—</span>}</td>
                      <td className="px-3 py-2.5 whitespace-nowrap">
                        {p.online ? <span className="font-medium text-emerald-700">{p.presence === "away" ? t("onlineAway") : t("online")}</span> : p.lastSeenAt ? <span className="text-slate-600" title={new Date(p.lastSeenAt).toLocaleString(locale)}>{relativeTime(p.lastSeenAt, Date.now(), locale)}</span> : <span className="text-slate-500">{t("never")}</span>}
                      </td>
                      <td className="px-3 py-2.5 text-end whitespace-nowrap">
                        <span className="inline-flex gap-3">
                          <button type="button" className={linkButton} aria-label={t("editLabel", { name: p.name })} onClick={() => open({ id: p.id, name: p.name, email: p.email, role: p.role, teamIds: p.teams.map((team) => team.id), password: "" })}>
                            {t("edit")}
                          </button>
                          {!inactive ? (
                            <button type="button" className={linkButton} aria-label={t("sessionsLabel", { name: p.name })} onClick={() => { setForm(null); setResetFor(null); setNotice(null); setSessionsOf({ id: p.id, name: p.name }); }}>
                              {t("sessions")}
                            </button>
                          ) : null}
                          {p.locked && !inactive ? (
                            <button type="button" className={linkButton} aria-label={t("unlockLabel", { name: p.name })} disabled={unlock.isPending} onClick={() => { setNotice(null); unlock.mutate({ id: p.id }); }}>
                              {t("unlock")}
                            </button>
                          ) : null}
                          <button type="button" className={linkButton} aria-label={t("resetLabel", { name: p.name })} onClick={() => { setForm(null); setNotice(null); reset.reset(); setResetFor({ id: p.id, name: p.name }); }}>
                            {t("resetPassword")}
                          </button>
                          {inactive ? (
                            <button type="button" className={linkButton} aria-label={t("reactivateLabel", { name: p.name })} disabled={setActive.isPending} onClick={() => setActive.mutate({ id: p.id, active: true })}>
                              {t("reactivate")}
                            </button>
                          ) : (
                            <button
                              type="button"
                              className={dangerLink}
                              aria-label={t("deactivateLabel", { name: p.name })}
                              disabled={setActive.isPending}
                              onClick={() =>
                                confirm(
                                  t("confirmDeactivate", { name: p.name }) +
                                    (p.activeApiKeys > 0 ? `\n\n${t("confirmDeactivateKeys", { count: p.activeApiKeys, name: p.name })}` : ""),
                                ) && setActive.mutate({ id: p.id, active: false })
                              }
                            >
                              {t("deactivate")}
                            </button>
                          )}
                        </span>
                      </td>
                    </tr>
                  );
                })}
            </SettingsTable>
          )}
        </ListStates>
      </Panel>
    </div>
  );
}

function PersonForm({ form, setForm, teams, saving, error, onSubmit, onCancel }: { form: Form; setForm: (f: Form) => void; teams: { id: string; name: string; inboxes: { name: string }[] }[]; saving: boolean; error: unknown; onSubmit: () => void; onCancel: () => void }) {
  const first = useFocusOnOpen<HTMLInputElement>(true);
  const t = useTranslations("settings.people");
  return (
    <form
      className="space-y-4"
      aria-label={form.id ? t("form.editLabel") : t("addTitle")}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div className="grid gap-3 md:grid-cols-3">
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          {t("form.name")}
          <input ref={first} required maxLength={120} className={inputClass} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} autoComplete="off" />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          {t("form.email")}
          <input required type="email" maxLength={254} disabled={!!form.id} className={`${inputClass} disabled:bg-slate-100 disabled:text-slate-600`} value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} autoComplete="off" />
        </label>
        <div className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          <label htmlFor="person-role">{t("form.role")}</label>
          <select id="person-role" className={inputClass} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} aria-describedby="role-help">
            <option value="agent">{t("roleOption.agent")}</option>
            <option value="supervisor">{t("roleOption.supervisor")}</option>
            <option value="admin">{t("roleOption.admin")}</option>
          </select>
          <span id="role-help" className="font-normal text-slate-600">{t(`roleHelp.${form.role}`)}</span>
        </div>
      </div>
      <Checklist
        legend={t("form.teams")}
        items={teams}
        selected={form.teamIds}
        onChange={(teamIds) => setForm({ ...form, teamIds })}
        empty={t("form.noTeams")}
        render={(team) => (
          <span>
            {team.name} <span className="text-xs text-slate-600">· {team.inboxes.length ? team.inboxes.map((i) => i.name).join(", ") : t("form.noInboxes")}</span>
          </span>
        )}
      />
      {!form.id ? (
        <div className="flex max-w-md flex-col gap-1 text-xs font-medium text-slate-700">
          <label htmlFor="person-password">{t("form.initialPassword")}</label>
          <input id="person-password" required type="password" maxLength={200} autoComplete="new-password" className={inputClass} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} aria-describedby="pw-help" />
          <span id="pw-help" className="font-normal text-slate-600">{t("form.passwordHelp")}</span>
        </div>
      ) : null}
      <FormActions submitLabel={form.id ? t("form.saveChanges") : t("addPerson")} saving={saving} onCancel={onCancel} error={error} />
    </form>
  );
}

function ResetPassword({ person, saving, error, onSubmit, onCancel }: { person: { id: string; name: string }; saving: boolean; error: unknown; onSubmit: (password: string) => void; onCancel: () => void }) {
  const [password, setPassword] = useState("");
  const ref = useFocusOnOpen<HTMLInputElement>(true);
  const t = useTranslations("settings.people.reset");
  return (
    <Panel title={t("title", { name: person.name })}>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit(password);
        }}
      >
        <div className="flex min-w-72 flex-col gap-1 text-xs font-medium text-slate-700">
          <label htmlFor="reset-password">{t("newPassword")}</label>
          <input id="reset-password" ref={ref} required type="password" maxLength={200} autoComplete="new-password" className={inputClass} value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="reset-help" />
          <span id="reset-help" className="font-normal text-slate-600">{t("help")}</span>
        </div>
        <div className="flex items-center gap-2 pb-5">
          <button type="submit" disabled={saving} className={primaryButton}>{t("set")}</button>
          <button type="button" onClick={onCancel} className={secondaryButton}>{t("cancel")}</button>
        </div>
        <FormError error={error} />
      </form>
    </Panel>
  );
}
