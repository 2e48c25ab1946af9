// The public survey page: one question, one answer. No login — the signed,
// expiring link is the key. The form posts to /api/surveys/<token> and comes
// back here with ?result=thanks|already|expired|invalid|range.
import { getTranslations } from "next-intl/server";
import { pageDateFormatter } from "@/app/help/page-dates";
import { surveyForPage } from "@/server/surveys/service";
import { emotionColor } from "@/components/journey/palette";

export const dynamic = "force-dynamic";
export async function generateMetadata() {
  const t = await getTranslations("survey");
  return { title: t("metaTitle"), robots: { index: false } };
}

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-start justify-center bg-gradient-to-b from-brand-50 to-slate-50 px-4 py-12 sm:items-center">
      <div className="w-full max-w-xl rounded-2xl bg-surface p-6 shadow-xl shadow-brand-100/60 ring-1 ring-slate-200 sm:p-8">{children}</div>
    </main>
  );
}

function Message({ title, children, tone = "neutral" }: { title: string; children?: React.ReactNode; tone?: "good" | "neutral" | "bad" }) {
  const icon = tone === "good" ? "✓" : tone === "bad" ? "!" : "i";
  const color = tone === "good" ? "bg-emerald-100 text-emerald-700" : tone === "bad" ? "bg-amber-100 text-amber-700" : "bg-slate-100 text-slate-600";
  return (
    <Shell>
      <div className="text-center" role="status">
        <span className={`mx-auto flex h-12 w-12 items-center justify-center rounded-full text-xl font-bold ${color}`} aria-hidden>
          {icon}
        </span>
        <h1 className="mt-4 text-xl font-semibold">{title}</h1>
        {children ? <div className="mt-2 text-sm text-slate-600">{children}</div> : null}
      </div>
    </Shell>
  );
}

export default async function SurveyPage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { token } = await params;
  const sp = await searchParams;
  const s = await surveyForPage(token);
  const t = await getTranslations("survey");
  if (s.status === "invalid" || sp.result === "invalid") {
    return <Message title={t("invalid.title")} tone="bad">{t("invalid.body")}</Message>;
  }
  if (sp.result === "thanks" || (s.status === "answered" && sp.result !== "already")) {
    return (
      <Message title={t("thanks.title")} tone="good">
        {s.response ? (
          <p>
            {t.rich("thanks.answered", {
              score: s.response.score,
              max: s.scale.max,
              hasComment: s.response.comment ? "yes" : "no",
              comment: s.response.comment ?? "",
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
          </p>
        ) : null}
      </Message>
    );
  }
  if (sp.result === "already" || s.status === "answered") {
    return <Message title={t("already.title")}>{t("already.body")}</Message>;
  }
  if (s.status === "expired" || sp.result === "expired") {
    return <Message title={t("expired.title")} tone="bad">{t("expired.body")}</Message>;
  }
  const scores = Array.from({ length: s.scale.max - s.scale.min + 1 }, (_, i) => s.scale.min + i);
  const preset = sp.score !== undefined ? Number(sp.score) : null;
  // The scale's words in the page's language (the server's SURVEY_SCALES hold the English ones).
  const words = { question: t(`scales.${s.kind}.question`), low: t(`scales.${s.kind}.low`), high: t(`scales.${s.kind}.high`) };
  const format = await pageDateFormatter();
  return (
    <Shell>
      <p className="text-sm font-medium text-brand-700">{s.customerFirstName ? t("form.greeting", { name: s.customerFirstName }) : t("form.greetingAnonymous")}</p>
      <h1 className="mt-1 text-xl font-semibold leading-snug">
        {words.question}
        {s.conversationNumber && s.kind === "csat" ? <span className="block text-sm font-normal text-slate-500">{t("form.aboutTicket", { number: String(s.conversationNumber) })}</span> : null}
      </h1>
      {sp.result === "range" ? <p role="alert" className="mt-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-800">{t("form.pickScore")}</p> : null}
      <form method="post" action={`/api/surveys/${encodeURIComponent(token)}`} className="mt-6">
        <fieldset>
          <legend className="sr-only">{t("form.legend", { min: s.scale.min, max: s.scale.max })}</legend>
          <div className={`grid gap-1.5 ${scores.length > 7 ? "grid-cols-6 sm:grid-cols-11" : scores.length > 5 ? "grid-cols-7" : "grid-cols-5"}`}>
            {scores.map((n) => (
              <label key={n} className="group relative">
                <input type="radio" name="score" value={n} required defaultChecked={preset === n} className="peer sr-only" />
                <span
                  className="flex h-12 cursor-pointer items-center justify-center rounded-xl border-2 border-slate-200 text-lg font-semibold text-slate-700 transition peer-checked:border-transparent peer-checked:bg-[var(--c)] peer-checked:text-white peer-checked:shadow-md peer-focus-visible:ring-2 peer-focus-visible:ring-brand-600 hover:border-slate-400"
                  style={{ ["--c" as string]: emotionColor(n, s.scale.max) }}
                >
                  {n}
                </span>
              </label>
            ))}
          </div>
          <div className="mt-2 flex justify-between text-xs text-slate-500">
            <span>{words.low}</span>
            <span>{words.high}</span>
          </div>
        </fieldset>
        <label className="mt-6 block text-sm font-medium text-slate-700">
          {t("form.comment")} <span className="font-normal text-slate-500">{t("form.optional")}</span>
          <textarea name="comment" rows={3} maxLength={2000} className="mt-1 block w-full rounded-xl border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none" placeholder={t("form.commentPlaceholder")} />
        </label>
        <button type="submit" className="mt-5 w-full rounded-xl bg-brand-600 px-4 py-3 font-semibold text-white shadow-sm hover:bg-brand-700">
          {t("form.submit")}
        </button>
        <p className="mt-3 text-center text-xs text-slate-500">{t("form.footer", { date: format.dateTime(s.expiresAt, { day: "numeric", month: "long" }) })}</p>
      </form>
    </Shell>
  );
}
