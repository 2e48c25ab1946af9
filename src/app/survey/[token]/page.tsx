// The public survey page: one question, one answer. No login — the signed,
// expiring link is the key. The form posts to /api/surveys/<token> and comes
// back here with ?result=thanks|already|expired|invalid|range.
import { surveyForPage } from "@/server/surveys/service";
import { emotionColor } from "@/components/journey/palette";

export const dynamic = "force-dynamic";
export const metadata = { title: "Your feedback", robots: { index: false } };

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
  if (s.status === "invalid" || sp.result === "invalid") {
    return <Message title="This survey link is not valid" tone="bad">Please use the link from the message we sent you.</Message>;
  }
  if (sp.result === "thanks" || (s.status === "answered" && sp.result !== "already")) {
    return (
      <Message title="Thank you for your feedback!" tone="good">
        {s.response ? (
          <p>
            You answered <strong>{s.response.score}</strong> out of {s.scale.max}
            {s.response.comment ? <> — “{s.response.comment}”</> : null}. It goes straight to the team.
          </p>
        ) : null}
      </Message>
    );
  }
  if (sp.result === "already" || s.status === "answered") {
    return <Message title="You have already answered this survey">Thanks — we only record one answer per survey, and we have yours.</Message>;
  }
  if (s.status === "expired" || sp.result === "expired") {
    return <Message title="This survey link has expired" tone="bad">Survey links are valid for 7 days. Thanks for wanting to tell us, though — just reply to our last message.</Message>;
  }
  const scores = Array.from({ length: s.scale.max - s.scale.min + 1 }, (_, i) => s.scale.min + i);
  const preset = sp.score !== undefined ? Number(sp.score) : null;
  return (
    <Shell>
      <p className="text-sm font-medium text-brand-700">{s.customerFirstName ? `Hi ${s.customerFirstName},` : "Hi,"}</p>
      <h1 className="mt-1 text-xl font-semibold leading-snug">
        {s.scale.question}
        {s.conversationNumber && s.kind === "csat" ? <span className="block text-sm font-normal text-slate-500">About ticket #{s.conversationNumber}</span> : null}
      </h1>
      {sp.result === "range" ? <p role="alert" className="mt-3 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-800">Please pick a score first.</p> : null}
      <form method="post" action={`/api/surveys/${encodeURIComponent(token)}`} className="mt-6">
        <fieldset>
          <legend className="sr-only">Your score from {s.scale.min} to {s.scale.max}</legend>
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
            <span>{s.scale.low}</span>
            <span>{s.scale.high}</span>
          </div>
        </fieldset>
        <label className="mt-6 block text-sm font-medium text-slate-700">
          Anything you want to add? <span className="font-normal text-slate-400">(optional)</span>
          <textarea name="comment" rows={3} maxLength={2000} className="mt-1 block w-full rounded-xl border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none" placeholder="What went well, what could be better…" />
        </label>
        <button type="submit" className="mt-5 w-full rounded-xl bg-brand-600 px-4 py-3 font-semibold text-white shadow-sm hover:bg-brand-700">
          Send my answer
        </button>
        <p className="mt-3 text-center text-xs text-slate-400">One answer per survey · this link expires {s.expiresAt.toLocaleDateString("en-GB", { day: "numeric", month: "long" })}</p>
      </form>
    </Shell>
  );
}
