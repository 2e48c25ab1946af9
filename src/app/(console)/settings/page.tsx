import { currentViewer } from "@/server/auth/session";
import { listAgents, listTeamsWithInboxes } from "@/server/console/settings";
import { EmptyState } from "@/components/ui";
import { ChannelBadge } from "@/components/channel";

export const dynamic = "force-dynamic";
export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const viewer = await currentViewer();
  if (viewer?.role !== "admin") {
    return <div className="p-6"><EmptyState title="Admins only">Settings (inboxes, teams, agents, API keys) are managed by admins.</EmptyState></div>;
  }
  const [agents, teams] = await Promise.all([listAgents(), listTeamsWithInboxes()]);
  return (
    <div className="space-y-8">
      <section aria-labelledby="teams-h">
        <h2 id="teams-h" className="mb-2 font-semibold">Teams and their inboxes</h2>
        <ul className="grid gap-3 md:grid-cols-3">
          {teams.map((t) => (
            <li key={t.id} className="rounded-xl border border-slate-200 bg-white p-4">
              <p className="font-medium">{t.name} <span className="text-xs text-slate-500">· {t._count.members} members</span></p>
              <ul className="mt-2 flex flex-wrap gap-1">
                {t.inboxes.map(({ inbox }) => <li key={inbox.id}><ChannelBadge channel={inbox.channel} /> <span className="text-xs">{inbox.name}</span></li>)}
              </ul>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="agents-h">
        <h2 id="agents-h" className="mb-2 font-semibold">Agents</h2>
        <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500"><tr><th className="px-4 py-2">Name</th><th className="px-4 py-2">Email</th><th className="px-4 py-2">Role</th><th className="px-4 py-2">Teams</th></tr></thead>
          <tbody className="divide-y divide-slate-100">
            {agents.map((a) => (
              <tr key={a.id}><td className="px-4 py-2 font-medium">{a.name}</td><td className="px-4 py-2">{a.email}</td><td className="px-4 py-2 capitalize">{a.role}</td><td className="px-4 py-2">{a.teams.map((t) => t.team.name).join(", ")}</td></tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
