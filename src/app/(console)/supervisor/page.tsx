import { currentViewer } from "@/server/auth/session";
import { queueOverview } from "@/server/console/conversations";
import { EmptyState, relativeTime } from "@/components/ui";
import { ChannelBadge } from "@/components/channel";

export const dynamic = "force-dynamic";
export const metadata = { title: "Supervisor" };

export default async function SupervisorPage() {
  const viewer = await currentViewer();
  if (!viewer || viewer.role === "agent") {
    return (
      <div className="p-6">
        <EmptyState title="Supervisors only">Ask an admin for the supervisor role to see the queue board.</EmptyState>
      </div>
    );
  }
  const rows = await queueOverview();
  const totals = rows.reduce((t, r) => ({ open: t.open + r.open, unassigned: t.unassigned + r.unassigned, waiting: t.waiting + r.waiting }), { open: 0, unassigned: 0, waiting: 0 });
  return (
    <div className="mx-auto max-w-6xl px-6 py-6">
      <h1 className="text-xl font-semibold">Queue board</h1>
      <dl className="mt-4 grid grid-cols-3 gap-4">
        {[["Open", totals.open], ["Unassigned", totals.unassigned], ["Waiting for reply", totals.waiting]].map(([label, n]) => (
          <div key={label} className="rounded-xl border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-500">{label}</dt>
            <dd className="text-2xl font-semibold">{n}</dd>
          </div>
        ))}
      </dl>
      <table className="mt-6 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
        <caption className="sr-only">Queues per inbox</caption>
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
          <tr><th className="px-4 py-2">Inbox</th><th className="px-4 py-2">Open</th><th className="px-4 py-2">Unassigned</th><th className="px-4 py-2">Waiting</th><th className="px-4 py-2">Oldest wait</th></tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.inbox_id}>
              <td className="px-4 py-2"><span className="flex items-center gap-2"><ChannelBadge channel={r.channel} compact />{r.name}</span></td>
              <td className="px-4 py-2">{r.open}</td>
              <td className="px-4 py-2">{r.unassigned}</td>
              <td className="px-4 py-2">{r.waiting}</td>
              <td className="px-4 py-2">{r.oldest_wait ? relativeTime(r.oldest_wait) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
