import { getLocale, getTranslations } from "next-intl/server";
import { db } from "@/server/db";
import { listSocialInboxes, webhookVerificationStatus } from "@/server/channels/social/inboxes";
import { ChannelBadge } from "@/components/channel";
import { EmptyState, formatDateTime as formatDateTimeIn } from "@/components/ui";
import { CreateChannelForm, EditChannelForm } from "./forms";
import { listWidgetInboxes } from "@/server/channels/widget/inboxes";
import { WidgetOriginsForm } from "./widget-form";
import { WidgetAppearanceForm } from "./widget-appearance-form";
import { AssignOnReplyForm } from "./assignment-form";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.channels");
  return { title: t("metaTitle") };
}

// Admin-only (the settings layout checks the role; the actions check again).
export default async function ChannelsSettings() {
  const t = await getTranslations("settings.channels");
  const locale = await getLocale();
  const formatDateTime = (d: Date | string) => formatDateTimeIn(d, locale);
  const [inboxes, hooks, teams] = await Promise.all([listSocialInboxes({ errorsPerInbox: 5 }), webhookVerificationStatus(), db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } })]);
  const widgets = await listWidgetInboxes();
  // Every kind of inbox: assign on first reply (and the email inboxes, which have no other settings here).
  const allInboxes = await db.inbox.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, channel: true, publicId: true, assignOnReply: true } });
  const assignFor = (i: { id: string; name: string }) => ({ id: i.id, name: i.name, assignOnReply: allInboxes.find((x) => x.id === i.id)?.assignOnReply ?? true });
  return (
    <div className="space-y-8">
      <section aria-labelledby="hooks-h">
        <h2 id="hooks-h" className="mb-2 font-semibold">{t("webhooks")}</h2>
        <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-surface text-sm">
          <thead className="bg-slate-50 text-start text-xs uppercase text-slate-500">
            <tr><th className="px-4 py-2">{t("hookColumn.endpoint")}</th><th className="px-4 py-2">{t("hookColumn.url")}</th><th className="px-4 py-2">{t("hookColumn.secret")}</th><th className="px-4 py-2">{t("hookColumn.lastVerified")}</th><th className="px-4 py-2">{t("hookColumn.lastDelivery")}</th></tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {hooks.map((h) => (
              <tr key={h.endpoint}>
                <td className="px-4 py-2 font-medium capitalize">{h.endpoint}</td>
                <td className="px-4 py-2 font-mono text-xs">{h.url}</td>
                <td className="px-4 py-2">{h.secretConfigured ? <span className="text-emerald-700">{t("configured")}</span> : <span className="font-medium text-red-700">{t("missing")}</span>}</td>
                <td className="px-4 py-2 text-slate-600">{h.lastVerifiedAt ? formatDateTime(h.lastVerifiedAt) : t("never")}</td>
                <td className="px-4 py-2 text-slate-600">{h.lastDeliveryAt ? formatDateTime(h.lastDeliveryAt) : t("noneYet")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="widgets-h" className="space-y-3">
        <h2 id="widgets-h" className="font-semibold">{t("widgets")}</h2>
        {widgets.map((w) => (
          <article key={w.id} className="rounded-xl border border-slate-200 bg-surface p-4" aria-label={w.name}>
            <div className="mb-3 flex flex-wrap items-center gap-2">
              <ChannelBadge channel="chat" />
              <h3 className="font-medium">{w.name}</h3>
              <span className="font-mono text-xs text-slate-500">data-inbox=&quot;{w.publicId}&quot;</span>
            </div>
            <WidgetOriginsForm inbox={{ id: w.id, name: w.name, allowedOrigins: w.allowedOrigins }} />
            <WidgetAppearanceForm inbox={{ id: w.id, name: w.name, locale: w.locale, theme: w.theme }} />
            <AssignOnReplyForm inbox={assignFor(w)} />
          </article>
        ))}
      </section>

      <section aria-labelledby="email-h" className="space-y-3">
        <h2 id="email-h" className="font-semibold">{t("emailInboxes")}</h2>
        {allInboxes.filter((i) => i.channel === "email").map((i) => (
          <article key={i.id} className="rounded-xl border border-slate-200 bg-surface p-4" aria-label={i.name}>
            <div className="flex flex-wrap items-center gap-2">
              <ChannelBadge channel="email" />
              <h3 className="font-medium">{i.name}</h3>
              <span className="font-mono text-xs text-slate-500">{i.publicId}</span>
            </div>
            <AssignOnReplyForm inbox={assignFor(i)} />
          </article>
        ))}
      </section>

      <section aria-labelledby="inboxes-h" className="space-y-3">
        <h2 id="inboxes-h" className="font-semibold">{t("socialInboxes")}</h2>
        {inboxes.length === 0 ? <EmptyState title={t("noSocialTitle")}>{t("noSocialText")}</EmptyState> : null}
        {inboxes.map((i) => (
          <article key={i.id} className="rounded-xl border border-slate-200 bg-surface p-4" aria-label={i.name}>
            <div className="mb-3 flex flex-wrap items-center gap-2">
              <ChannelBadge channel={i.channel} />
              <h3 className="font-medium">{i.name}</h3>
              <span className="text-xs text-slate-500">{t("webhook", { url: i.webhookUrl })}</span>
              <span className={`ms-auto rounded-full px-2 py-0.5 text-xs font-medium ${i.tokenConfigured ? "bg-emerald-50 text-emerald-800" : "bg-amber-50 text-amber-800"}`}>
                {i.tokenConfigured ? t("tokenIn", { env: i.tokenEnv }) : t("tokenMissing", { env: i.tokenEnv })}
              </span>
            </div>
            <EditChannelForm inbox={{ id: i.id, name: i.name, publicId: i.publicId, tokenEnv: i.tokenEnv }} />
            <AssignOnReplyForm inbox={assignFor(i)} />
            <h4 className="mt-4 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("lastErrors")}</h4>
            {i.lastErrors.length === 0 ? (
              <p className="text-sm text-slate-500">{t("noErrors")}</p>
            ) : (
              <ul className="mt-1 space-y-1 text-sm">
                {i.lastErrors.map((e, n) => (
                  <li key={n} className="flex gap-2"><time className="shrink-0 text-xs text-slate-500" dateTime={e.at.toISOString()}>{formatDateTime(e.at)}</time><span className="text-red-800">{e.reason || e.action}</span>{e.retryable ? <span className="text-xs text-slate-500">{t("retried")}</span> : null}</li>
                ))}
              </ul>
            )}
          </article>
        ))}
      </section>

      <section aria-labelledby="new-h" className="rounded-xl border border-slate-200 bg-surface p-4">
        <h2 id="new-h" className="mb-3 font-semibold">{t("addSocial")}</h2>
        <CreateChannelForm teams={teams} />
      </section>
    </div>
  );
}
