// A headline number with a label and an optional note (the "KPI card").
export function Kpi({ label, value, note, tone = "default", onClick, testId }: { label: string; value: string; note?: string; tone?: "default" | "good" | "warn" | "bad"; onClick?: () => void; testId?: string }) {
  const ring = tone === "bad" ? "ring-red-200 bg-red-50/60" : tone === "warn" ? "ring-amber-200 bg-amber-50/60" : tone === "good" ? "ring-emerald-200 bg-emerald-50/50" : "ring-slate-200 bg-surface";
  const valueColor = tone === "bad" ? "text-red-700" : tone === "warn" ? "text-amber-700" : tone === "good" ? "text-emerald-700" : "text-slate-900";
  const body = (
    <>
      <span className="block text-xs font-medium uppercase tracking-wide text-slate-500 [overflow-wrap:anywhere]">{label}</span>
      <span className={`mt-1 block text-2xl font-semibold tabular-nums ${valueColor}`} data-testid={testId}>{value}</span>
      {note ? <span className="mt-0.5 block truncate text-xs text-slate-500">{note}</span> : null}
    </>
  );
  const cls = `block w-full rounded-xl p-4 text-start ring-1 ${ring}`;
  return onClick ? (
    <button type="button" onClick={onClick} className={`${cls} transition hover:ring-brand-500 focus-visible:ring-2`}>
      {body}
    </button>
  ) : (
    <div className={cls}>{body}</div>
  );
}

export function Panel({ title, actions, children, className = "" }: { title: string; actions?: React.ReactNode; children: React.ReactNode; className?: string }) {
  return (
    <section className={`rounded-xl bg-surface p-4 ring-1 ring-slate-200 ${className}`} aria-label={title}>
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-800">{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
