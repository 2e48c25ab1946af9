// Small shared UI states: loading skeletons, empty states, errors, relative time.
import { useTranslations } from "next-intl";
export function Skeleton({ lines = 3 }: { lines?: number }) {
  const t = useTranslations("components.ui");
  return (
    <div className="animate-pulse space-y-3" role="status" aria-label={t("loadingLabel")}>
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="h-14 rounded-lg bg-slate-200/70" />
      ))}
      <span className="sr-only">{t("loading")}</span>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-surface px-6 py-10 text-center">
      <p className="font-medium text-slate-800">{title}</p>
      {children ? <div className="mt-1 text-sm text-slate-500">{children}</div> : null}
    </div>
  );
}

export type ShownError = { message: string; data?: { code?: string; zodError?: { formErrors?: string[]; fieldErrors?: Record<string, unknown> } | null } | null } | null;

const ID_FIELD = /^(id|[a-z][a-zA-Z]*Id)$/;

/**
 * Whether an error means "there is no such thing": NOT_FOUND, or BAD_REQUEST
 * refusing only id fields (a malformed id in the URL names nothing, like an unknown one).
 */
export function isNotFoundError(error: ShownError | undefined): boolean {
  const data = error?.data;
  if (data?.code === "NOT_FOUND") return true;
  if (data?.code !== "BAD_REQUEST" || !data.zodError) return false;
  const fields = Object.keys(data.zodError.fieldErrors ?? {});
  return fields.length > 0 && (data.zodError.formErrors ?? []).length === 0 && fields.every((f) => ID_FIELD.test(f));
}

/** The calm "Not found" notice (unknown, hidden or malformed ids): nothing to retry. */
export function NotFoundNotice({ message }: { message: string }) {
  const t = useTranslations("components.ui");
  return (
    <div role="status" className="rounded-xl border border-slate-200 bg-surface px-4 py-3 text-sm text-slate-700" data-testid="not-found">
      <p className="font-medium text-slate-900">{t("notFound")}</p>
      <p className="mt-0.5">{message}</p>
      <p className="mt-1 text-slate-500">{t("notFoundHint")}</p>
    </div>
  );
}

/** English text of components.ui.malformedId (kept for callers outside React). */
export const MALFORMED_ID_MESSAGE = "Nothing has this id: the link may be mistyped or cut short.";

/** An error from the server. Not-found is not a fault: a calm notice, no retry (it would answer the same). */
export function ErrorState({ error, retry }: { error: ShownError; retry?: () => void }) {
  const t = useTranslations("components.ui");
  if (isNotFoundError(error)) {
    return <NotFoundNotice message={error?.data?.code === "NOT_FOUND" ? error.message : t("malformedId")} />;
  }
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <p className="font-medium">{t("errorTitle")}</p>
      <p className="mt-0.5">{error?.message ?? t("unknownError")}</p>
      {retry ? (
        <button type="button" onClick={retry} className="mt-2 rounded-md bg-surface px-3 py-1 text-xs font-semibold text-red-800 ring-1 ring-red-200 hover:bg-red-100">
          {t("tryAgain")}
        </button>
      ) : null}
    </div>
  );
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
function rtfFor(locale: string) {
  let f = relativeFormats.get(locale);
  if (!f) relativeFormats.set(locale, (f = new Intl.RelativeTimeFormat(locale, { numeric: "auto" })));
  return f;
}

/** "3 minutes ago" / "in 2 hours" in the given locale (English by default). */
export function relativeTime(date: Date | string, now = Date.now(), locale = "en"): string {
  const rtf = rtfFor(locale);
  const d = typeof date === "string" ? new Date(date) : date;
  const diff = (d.getTime() - now) / 1000;
  const abs = Math.abs(diff);
  if (abs < 60) return rtf.format(Math.round(diff), "second");
  if (abs < 3600) return rtf.format(Math.round(diff / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), "hour");
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), "day");
  if (abs < 86400 * 365) return rtf.format(Math.round(diff / (86400 * 30)), "month");
  return rtf.format(Math.round(diff / (86400 * 365)), "year");
}

/** A span of time without "ago": "5 minutes", "3 hours", "2 days" (for "waiting 5 minutes"). */
export function shortDuration(ms: number, locale = "en"): string {
  const abs = Math.abs(ms) / 1000;
  const unit = (value: number, u: "second" | "minute" | "hour" | "day") => new Intl.NumberFormat(locale, { style: "unit", unit: u, unitDisplay: "long", maximumFractionDigits: 0 }).format(value);
  if (abs < 60) return unit(Math.round(abs), "second");
  if (abs < 3600) return unit(Math.round(abs / 60), "minute");
  if (abs < 86400) return unit(Math.round(abs / 3600), "hour");
  return unit(Math.round(abs / 86400), "day");
}

export function formatDateTime(date: Date | string, locale = "en-GB") {
  const d = typeof date === "string" ? new Date(date) : date;
  return d.toLocaleString(locale === "en" ? "en-GB" : locale, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** The date alone ("4 Dec 2026" in English), as formatDateTime writes it. */
export function formatDate(date: Date | string, locale = "en-GB") {
  const d = typeof date === "string" ? new Date(date) : date;
  return d.toLocaleDateString(locale === "en" ? "en-GB" : locale, { day: "numeric", month: "short", year: "numeric" });
}

export function initials(name: string | null | undefined) {
  const parts = (name ?? "?").trim().split(/\s+/).slice(0, 2);
  return parts.map((p) => p[0]?.toUpperCase() ?? "").join("") || "?";
}
