"use client";
// The agent's own preferences: where each kind of notification reaches them
// (bell, email digest, Web Push) and the console's language. Push permission
// is asked only when the agent clicks "Enable push on this device".
import { useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { ErrorState, Skeleton } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { isLocale, LOCALE_COOKIE, LOCALE_NAMES, LOCALES, type Locale } from "@/i18n/locales";

const CHANNELS = ["inApp", "email", "push"] as const;
type Channel = (typeof CHANNELS)[number];
const KIND_KEY: Record<string, string> = {
  mention: "mention",
  assigned: "assigned",
  customer_message: "customerMessage",
  customer_reopened: "customerReopened",
  sla_at_risk: "slaAtRisk",
  sla_breached: "slaBreached",
  rule: "rule",
};

/** base64url → the bytes PushManager.subscribe wants as applicationServerKey. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function PreferencesForm() {
  const t = useTranslations("preferences");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const prefs = useQuery(trpc.notification.preferences.queryOptions());
  const key = trpc.notification.preferences.queryKey();
  // The box shows the click at once from component state, set in the click's own handler: the query
  // cache notifies its observers on a later tick, and a controlled checkbox re-rendered before that
  // would spring back. The cache takes the change too (so nothing flickers when the click settles);
  // the server's answer, or a refetch after an error, decides.
  const [clicked, setClicked] = useState<Record<string, boolean>>({});
  const set = useMutation(
    trpc.notification.setPreference.mutationOptions({
      onMutate: ({ kind, ...change }) => {
        qc.setQueryData(key, (old) => old?.map((p) => (p.kind === kind ? { ...p, channels: { ...p.channels, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) } } : p)));
      },
      onSettled: () => void qc.invalidateQueries({ queryKey: key }),
    }),
  );
  const toggle = (kind: string, channel: Channel, on: boolean) => {
    const box = `${kind}:${channel}`;
    setClicked((c) => ({ ...c, [box]: on }));
    set.mutate({ kind, [channel]: on } as Parameters<typeof set.mutate>[0], { onSettled: () => setClicked(({ [box]: _, ...rest }) => rest) });
  };

  return (
    <div className="mx-auto max-w-3xl space-y-6 p-4">
      <h1 className="text-lg font-semibold text-slate-900">{t("title")}</h1>
      <Panel title={t("notifications.title")}>
        <p className="mb-3 text-sm text-slate-500">{t("notifications.explain")}</p>
        {prefs.isLoading ? (
          <Skeleton lines={4} />
        ) : prefs.error ? (
          <ErrorState error={prefs.error} retry={() => void prefs.refetch()} />
        ) : (
          <table className="w-full text-sm">
            <thead>
              <tr className="text-slate-500">
                <th className="py-2 text-start font-medium">{t("notifications.kind")}</th>
                {CHANNELS.map((c) => (
                  <th key={c} className="px-2 py-2 text-center font-medium">
                    {t(`channels.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {prefs.data?.map((p) => (
                <tr key={p.kind} className="border-t border-slate-100">
                  <td className="py-2 text-slate-800">{t(`kinds.${KIND_KEY[p.kind] ?? "mention"}`)}</td>
                  {CHANNELS.map((c: Channel) => (
                    <td key={c} className="px-2 py-2 text-center">
                      <input
                        type="checkbox"
                        className="h-4 w-4"
                        aria-label={t("notifications.toggle", { kind: t(`kinds.${KIND_KEY[p.kind] ?? "mention"}`), channel: t(`channels.${c}`) })}
                        checked={clicked[`${p.kind}:${c}`] ?? p.channels[c]}
                        onChange={(e) => toggle(p.kind, c, e.target.checked)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <PushDevice />
      </Panel>
      <LanguagePanel />
    </div>
  );
}

type PushState = "idle" | "working" | "enabled" | "denied" | "unsupported" | "failed";

function PushDevice() {
  const t = useTranslations("preferences");
  const trpc = useTRPC();
  const vapid = useQuery(trpc.notification.vapidPublicKey.queryOptions(undefined, { staleTime: Infinity }));
  const subscribe = useMutation(trpc.notification.pushSubscribe.mutationOptions());
  const [state, setState] = useState<PushState>("idle");

  async function enable() {
    if (typeof window === "undefined" || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return setState("unsupported");
    setState("working");
    try {
      // Asked here, on the agent's click, never on page load.
      const permission = await Notification.requestPermission();
      if (permission !== "granted") return setState("denied");
      const registration = (await navigator.serviceWorker.getRegistration("/")) ?? (await navigator.serviceWorker.register("/sw.js", { scope: "/" }));
      await navigator.serviceWorker.ready;
      const key = vapid.data ?? (await vapid.refetch()).data;
      if (!key) return setState("failed");
      const sub = (await registration.pushManager.getSubscription()) ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
      const json = sub.toJSON();
      if (!json.endpoint || !json.keys?.p256dh || !json.keys?.auth) return setState("failed");
      await subscribe.mutateAsync({ endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth }, userAgent: navigator.userAgent });
      setState("enabled");
    } catch {
      setState("failed");
    }
  }

  return (
    <div className="mt-4 flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
      <button type="button" onClick={() => void enable()} disabled={state === "working"} className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {t("push.enable")}
      </button>
      {state !== "idle" && state !== "working" ? (
        <span role="status" className="text-sm text-slate-600">
          {t(`push.${state}`)}
        </span>
      ) : null}
    </div>
  );
}

function LanguagePanel() {
  const t = useTranslations("preferences");
  const current = useLocale();
  const trpc = useTRPC();
  const save = useMutation(
    trpc.notification.setLocale.mutationOptions({
      onSuccess: ({ locale }) => {
        document.cookie = `${LOCALE_COOKIE}=${encodeURIComponent(locale)}; path=/; max-age=31536000; samesite=lax`;
        window.location.reload();
      },
    }),
  );
  return (
    <Panel title={t("language.title")}>
      <label className="flex flex-wrap items-center gap-3 text-sm text-slate-700">
        <span>{t("language.label")}</span>
        <select
          className="rounded-md border border-slate-300 bg-surface px-2 py-1.5 text-sm"
          value={isLocale(current) ? current : "en"}
          disabled={save.isPending}
          onChange={(e) => {
            const locale = e.target.value;
            if (isLocale(locale)) save.mutate({ locale: locale as Locale });
          }}
        >
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LOCALE_NAMES[l]}
            </option>
          ))}
        </select>
      </label>
      <p className="mt-2 text-sm text-slate-500">{t("language.explain")}</p>
    </Panel>
  );
}
