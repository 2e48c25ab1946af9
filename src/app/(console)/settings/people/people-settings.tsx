"use client";
// People: who signs in, their role and teams, last seen; add someone (with an
// initial password to hand over), edit, reset a password, see and end their
// sessions, deactivate.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { initials, relativeTime } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { PersonSessions } from "./person-sessions";
import { Checklist, FormError, Notice, dangerLink, inputClass, linkButton, primaryButton, secondaryButton, useFocusOnOpen, FormActions , ListStates, SettingsTable } from "../form-kit";

type Role = "agent" | "supervisor" | "admin";
type Form = { id: string | null; name: string; email: string; role: Role; teamIds: string[]; password: string };
const EMPTY: Form = { id: null, name: "", email: "", role: "agent", teamIds: [], password: "" };
const ROLE_HELP: Record<Role, string> = {
  agent: "sees the inboxes of their teams",
  supervisor: "sees every inbox and the supervisor board",
  admin: "everything, including settings",
};

export function PeopleSettings({ selfId }: { selfId: string }) {
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
  const create = useMutation(trpc.people.create.mutationOptions({ onSuccess: (u) => done(`Added ${u.name}. Hand the initial password over privately; they can sign in now.`) }));
  const update = useMutation(trpc.people.update.mutationOptions({ onSuccess: () => done("Saved. Their open console tabs reconnect with the new access.") }));
  const setActive = useMutation(trpc.people.setActive.mutationOptions({ onSuccess: (_r, v) => done(v.active ? "Reactivated: they can sign in again." : "Deactivated: they were signed out everywhere.") }));
  const reset = useMutation(trpc.people.resetPassword.mutationOptions({ onSuccess: () => done("Password reset. Hand the new password over privately.") }));
  const unlock = useMutation(trpc.people.unlock.mutationOptions({ onSuccess: () => done("Unlocked: they can sign in again from every address.") }));

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
        <Panel title={form.id ? `Edit ${form.name || "person"}` : "Add a person"}>
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
        title="People"
        actions={
          <button type="button" className={primaryButton} onClick={() => open(EMPTY)}>
            Add person
          </button>
        }
      >
        <p className="mb-3 text-sm text-slate-600">Agents see the inboxes of their teams; supervisors and admins see every inbox. Changes apply at once, also to open console tabs. Deactivated people cannot sign in; their conversations and history stay.</p>
        <ListStates query={people} lines={4} emptyTitle="No one here yet" emptyText="Add the first person with “Add person”.">
          {(items) => (
            <SettingsTable testId="people-table" columns={["Name", "Role", "Teams", "Last seen"]}>
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
                              {p.id === selfId ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
                              {inactive ? <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-700">Deactivated</span> : null}
                              {p.locked && !inactive ? <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900" title={p.lockedUntil ? `Too many wrong passwords from at least one address; ends ${new Date(p.lockedUntil).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}` : undefined}>Locked out</span> : null}
                            </p>
                            <p className="truncate text-xs text-slate-600">
                              {p.email}
                              {p.signIn.sso ? <span className="ml-1.5 rounded bg-sky-50 px-1 py-0.5 text-[11px] font-medium text-sky-800 ring-1 ring-sky-200" title="Linked to the single sign-on account (docs/sso.md)">SSO</span> : null}
                              {!p.signIn.password ? <span className="ml-1 rounded bg-slate-100 px-1 py-0.5 text-[11px] text-slate-700" title="No password: signs in through single sign-on only">no password</span> : null}
                            </p>
                          </div>
                        </div>
                      </td>
                      <td className="px-3 py-2.5 capitalize">{p.role}</td>
                      <td className="px-3 py-2.5 text-slate-700">{p.teams.length ? p.teams.map((t) => t.name).join(", ") : <span className="text-slate-500">—</span>}</td>
                      <td className="px-3 py-2.5 whitespace-nowrap">
                        {p.online ? <span className="font-medium text-emerald-700">Online{p.presence === "away" ? " (away)" : ""}</span> : p.lastSeenAt ? <span className="text-slate-600" title={new Date(p.lastSeenAt).toLocaleString()}>{relativeTime(p.lastSeenAt)}</span> : <span className="text-slate-500">Never</span>}
                      </td>
                      <td className="px-3 py-2.5 text-right whitespace-nowrap">
                        <span className="inline-flex gap-3">
                          <button type="button" className={linkButton} aria-label={`Edit ${p.name}`} onClick={() => open({ id: p.id, name: p.name, email: p.email, role: p.role, teamIds: p.teams.map((t) => t.id), password: "" })}>
                            Edit
                          </button>
                          {!inactive ? (
                            <button type="button" className={linkButton} aria-label={`Sessions of ${p.name}`} onClick={() => { setForm(null); setResetFor(null); setNotice(null); setSessionsOf({ id: p.id, name: p.name }); }}>
                              Sessions
                            </button>
                          ) : null}
                          {p.locked && !inactive ? (
                            <button type="button" className={linkButton} aria-label={`Unlock ${p.name}`} disabled={unlock.isPending} onClick={() => { setNotice(null); unlock.mutate({ id: p.id }); }}>
                              Unlock
                            </button>
                          ) : null}
                          <button type="button" className={linkButton} aria-label={`Reset password of ${p.name}`} onClick={() => { setForm(null); setNotice(null); reset.reset(); setResetFor({ id: p.id, name: p.name }); }}>
                            Reset password
                          </button>
                          {inactive ? (
                            <button type="button" className={linkButton} aria-label={`Reactivate ${p.name}`} disabled={setActive.isPending} onClick={() => setActive.mutate({ id: p.id, active: true })}>
                              Reactivate
                            </button>
                          ) : (
                            <button
                              type="button"
                              className={dangerLink}
                              aria-label={`Deactivate ${p.name}`}
                              disabled={setActive.isPending}
                              onClick={() =>
                                confirm(
                                  `Deactivate ${p.name}? They are signed out at once and cannot sign in until reactivated.` +
                                    (p.activeApiKeys > 0 ? `\n\n${p.activeApiKeys === 1 ? "The API key" : `The ${p.activeApiKeys} API keys`} ${p.name} created keep${p.activeApiKeys === 1 ? "s" : ""} working: revoke under Settings → API keys if ${p.activeApiKeys === 1 ? "it" : "they"} should stop.` : ""),
                                ) && setActive.mutate({ id: p.id, active: false })
                              }
                            >
                              Deactivate
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
  return (
    <form
      className="space-y-4"
      aria-label={form.id ? "Edit person" : "Add a person"}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div className="grid gap-3 md:grid-cols-3">
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          Name
          <input ref={first} required maxLength={120} className={inputClass} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} autoComplete="off" />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          Email
          <input required type="email" maxLength={254} disabled={!!form.id} className={`${inputClass} disabled:bg-slate-100 disabled:text-slate-600`} value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} autoComplete="off" />
        </label>
        <div className="flex flex-col gap-1 text-xs font-medium text-slate-700">
          <label htmlFor="person-role">Role</label>
          <select id="person-role" className={inputClass} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} aria-describedby="role-help">
            <option value="agent">Agent</option>
            <option value="supervisor">Supervisor</option>
            <option value="admin">Admin</option>
          </select>
          <span id="role-help" className="font-normal text-slate-600">{ROLE_HELP[form.role]}</span>
        </div>
      </div>
      <Checklist
        legend="Teams"
        items={teams}
        selected={form.teamIds}
        onChange={(teamIds) => setForm({ ...form, teamIds })}
        empty="No teams yet: create one under Teams."
        render={(t) => (
          <span>
            {t.name} <span className="text-xs text-slate-600">· {t.inboxes.length ? t.inboxes.map((i) => i.name).join(", ") : "no inboxes"}</span>
          </span>
        )}
      />
      {!form.id ? (
        <div className="flex max-w-md flex-col gap-1 text-xs font-medium text-slate-700">
          <label htmlFor="person-password">Initial password</label>
          <input id="person-password" required type="password" maxLength={200} autoComplete="new-password" className={inputClass} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} aria-describedby="pw-help" />
          <span id="pw-help" className="font-normal text-slate-600">At least 10 characters. Hand it over privately; it is stored only as a hash.</span>
        </div>
      ) : null}
      <FormActions submitLabel={form.id ? "Save changes" : "Add person"} saving={saving} onCancel={onCancel} error={error} />
    </form>
  );
}

function ResetPassword({ person, saving, error, onSubmit, onCancel }: { person: { id: string; name: string }; saving: boolean; error: unknown; onSubmit: (password: string) => void; onCancel: () => void }) {
  const [password, setPassword] = useState("");
  const ref = useFocusOnOpen<HTMLInputElement>(true);
  return (
    <Panel title={`Reset the password of ${person.name}`}>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit(password);
        }}
      >
        <div className="flex min-w-72 flex-col gap-1 text-xs font-medium text-slate-700">
          <label htmlFor="reset-password">New password</label>
          <input id="reset-password" ref={ref} required type="password" maxLength={200} autoComplete="new-password" className={inputClass} value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="reset-help" />
          <span id="reset-help" className="font-normal text-slate-600">At least 10 characters. Also lifts a sign-in lockout.</span>
        </div>
        <div className="flex items-center gap-2 pb-5">
          <button type="submit" disabled={saving} className={primaryButton}>Set password</button>
          <button type="button" onClick={onCancel} className={secondaryButton}>Cancel</button>
        </div>
        <FormError error={error} />
      </form>
    </Panel>
  );
}
