"use client";
// A person's live console sessions: where and since when they are signed in,
// with "End" per session and "End all". An ended session's tabs are signed out
// at their next request and their sockets drop at once, on every process.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "@/trpc/react";
import { relativeTime } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { FormError, ListStates, SettingsTable, dangerLink, secondaryButton } from "../form-kit";

/** "Chrome on macOS"-style label from a user agent, without a parser dependency for two words. */
function deviceLabel(ua: string | null, t: (key: string, values?: Record<string, string>) => string): string {
  if (!ua) return t("unknownDevice");
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : /node|undici|curl/i.test(ua) ? t("script") : t("browser");
  const os = /Windows/.test(ua) ? "Windows" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /Linux/.test(ua) ? "Linux" : "";
  return os ? t("deviceOn", { browser, os }) : browser;
}

export function PersonSessions({ person, isSelf, onClose, onEnded }: { person: { id: string; name: string }; isSelf: boolean; onClose: () => void; onEnded: (text: string) => void }) {
  const t = useTranslations("settings.people.sessionsPanel");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const sessions = useQuery(trpc.people.sessions.queryOptions({ id: person.id }));
  const end = useMutation(
    trpc.people.endSessions.mutationOptions({
      onSuccess: (r, v) => {
        void qc.invalidateQueries({ queryKey: trpc.people.sessions.queryKey({ id: person.id }) });
        onEnded(v.sessionId ? t("endedOne", { name: person.name }) : t("endedAll", { count: r.ended, name: person.name }));
      },
    }),
  );
  const count = sessions.data?.length ?? 0;
  return (
    <Panel
      title={t("title", { name: person.name })}
      actions={
        <span className="inline-flex gap-2">
          <button
            type="button"
            className={secondaryButton}
            disabled={end.isPending || count === 0}
            onClick={() => confirm(`${t("confirmEndAll", { name: person.name })}${isSelf ? t("confirmSelf") : ""}`) && end.mutate({ id: person.id })}
          >
            {t("endAll")}
          </button>
          <button type="button" className={secondaryButton} onClick={onClose}>
            {t("close")}
          </button>
        </span>
      }
    >
      {end.error ? <FormError error={end.error} /> : null}
      <ListStates query={sessions} lines={2} emptyTitle={t("emptyTitle")} emptyText={t("emptyText", { name: person.name })}>
        {(items) => (
          <SettingsTable testId="sessions-table" columns={[t("column.device"), t("column.address"), t("column.signedIn"), t("column.lastActive")]}>
            {items.map((s) => (
              <tr key={s.id}>
                <td className="px-4 py-2.5" title={s.userAgent ?? undefined}>{deviceLabel(s.userAgent, t)}</td>
                <td className="px-3 py-2.5 font-mono text-xs text-slate-700">{s.ip ?? "—"}</td>
                <td className="px-3 py-2.5 whitespace-nowrap" title={new Date(s.createdAt).toLocaleString(locale)}>{relativeTime(s.createdAt, Date.now(), locale)}</td>
                <td className="px-3 py-2.5 whitespace-nowrap" title={new Date(s.lastSeenAt).toLocaleString(locale)}>{relativeTime(s.lastSeenAt, Date.now(), locale)}</td>
                <td className="px-3 py-2.5 text-end">
                  <button type="button" className={dangerLink} aria-label={t("endLabel", { device: deviceLabel(s.userAgent, t), address: s.ip ?? t("unknownAddress") })} disabled={end.isPending} onClick={() => end.mutate({ id: person.id, sessionId: s.id })}>
                    {t("end")}
                  </button>
                </td>
              </tr>
            ))}
          </SettingsTable>
        )}
      </ListStates>
    </Panel>
  );
}
