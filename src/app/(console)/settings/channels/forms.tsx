"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { createChannelAction, updateChannelAction, type ChannelFormState } from "./actions";

const input = "mt-1 block w-full rounded-lg border border-slate-300 px-2.5 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100";

function Feedback({ state }: { state: ChannelFormState }) {
  if (state.error) return <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{state.error}</p>;
  if (state.ok) return <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{state.ok}</p>;
  return null;
}

export function EditChannelForm({ inbox }: { inbox: { id: string; name: string; publicId: string; tokenEnv: string } }) {
  const t = useTranslations("settings.channels.form");
  const [state, action, pending] = useActionState<ChannelFormState, FormData>(updateChannelAction, {});
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-4 sm:items-end">
      <input type="hidden" name="id" value={inbox.id} />
      <label className="text-xs font-medium text-slate-600">{t("name")}<input name="name" defaultValue={inbox.name} className={input} /></label>
      <label className="text-xs font-medium text-slate-600">{t("publicId")}<input name="publicId" defaultValue={inbox.publicId} inputMode="numeric" className={input} /></label>
      <label className="text-xs font-medium text-slate-600">{t("tokenEnv")}<input name="tokenEnv" defaultValue={inbox.tokenEnv} className={`${input} font-mono`} /></label>
      <button type="submit" disabled={pending} className="rounded-lg border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60">{pending ? t("saving") : t("save")}</button>
      <div className="sm:col-span-4"><Feedback state={state} /></div>
    </form>
  );
}

export function CreateChannelForm({ teams }: { teams: { id: string; name: string }[] }) {
  const t = useTranslations("settings.channels.form");
  const [state, action, pending] = useActionState<ChannelFormState, FormData>(createChannelAction, {});
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-2">
      <label className="text-xs font-medium text-slate-600">{t("channel")}
        <select name="channel" required className={input} defaultValue="messenger">
          <option value="messenger">{t("option.messenger")}</option>
          <option value="instagram">{t("option.instagram")}</option>
          <option value="whatsapp">{t("option.whatsapp")}</option>
          <option value="telegram">{t("option.telegram")}</option>
          <option value="x">{t("option.x")}</option>
        </select>
      </label>
      <label className="text-xs font-medium text-slate-600">{t("name")}<input name="name" required placeholder={t("namePlaceholder")} className={input} /></label>
      <label className="text-xs font-medium text-slate-600">{t("publicIdLong")}<input name="publicId" required inputMode="numeric" className={input} /></label>
      <label className="text-xs font-medium text-slate-600">{t("tokenEnvLong")}<input name="tokenEnv" placeholder="META_PAGE_TOKEN" className={`${input} font-mono`} /></label>
      <fieldset className="sm:col-span-2">
        <legend className="text-xs font-medium text-slate-600">{t("teams")}</legend>
        <div className="mt-1 flex flex-wrap gap-3">
          {teams.map((team) => (
            <label key={team.id} className="flex items-center gap-1.5 text-sm"><input type="checkbox" name="teamIds" value={team.id} /> {team.name}</label>
          ))}
        </div>
      </fieldset>
      <div className="flex items-center gap-3 sm:col-span-2">
        <button type="submit" disabled={pending} className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60">{pending ? t("creating") : t("create")}</button>
        <Feedback state={state} />
      </div>
    </form>
  );
}
