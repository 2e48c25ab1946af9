"use client";
// A person's live console sessions: where and since when they are signed in,
// with "End" per session and "End all". An ended session's tabs are signed out
// at their next request and their sockets drop at once, on every process.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { relativeTime } from "@/components/ui";
import { Panel } from "@/components/charts/kpi";
import { FormError, ListStates, SettingsTable, dangerLink, secondaryButton } from "../form-kit";

/** "Chrome on macOS"-style label from a user agent, without a parser dependency for two words. */
function deviceLabel(ua: string | null): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : /node|undici|curl/i.test(ua) ? "Script" : "Browser";
  const os = /Windows/.test(ua) ? "Windows" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser} on ${os}` : browser;
}

export function PersonSessions({ person, isSelf, onClose, onEnded }: { person: { id: string; name: string }; isSelf: boolean; onClose: () => void; onEnded: (text: string) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const sessions = useQuery(trpc.people.sessions.queryOptions({ id: person.id }));
  const end = useMutation(
    trpc.people.endSessions.mutationOptions({
      onSuccess: (r, v) => {
        void qc.invalidateQueries({ queryKey: trpc.people.sessions.queryKey({ id: person.id }) });
        onEnded(v.sessionId ? `Ended a session of ${person.name}.` : `Ended ${r.ended} session${r.ended === 1 ? "" : "s"} of ${person.name}: they are signed out everywhere.`);
      },
    }),
  );
  const count = sessions.data?.length ?? 0;
  return (
    <Panel
      title={`Sessions of ${person.name}`}
      actions={
        <span className="inline-flex gap-2">
          <button
            type="button"
            className={secondaryButton}
            disabled={end.isPending || count === 0}
            onClick={() => confirm(`End every session of ${person.name}?${isSelf ? " This signs you out too." : ""}`) && end.mutate({ id: person.id })}
          >
            End all sessions
          </button>
          <button type="button" className={secondaryButton} onClick={onClose}>
            Close
          </button>
        </span>
      }
    >
      {end.error ? <FormError error={end.error} /> : null}
      <ListStates query={sessions} lines={2} emptyTitle="Not signed in anywhere" emptyText={`${person.name} has no active session.`}>
        {(items) => (
          <SettingsTable testId="sessions-table" columns={["Device", "Address", "Signed in", "Last active"]}>
            {items.map((s) => (
              <tr key={s.id}>
                <td className="px-4 py-2.5" title={s.userAgent ?? undefined}>{deviceLabel(s.userAgent)}</td>
                <td className="px-3 py-2.5 font-mono text-xs text-slate-700">{s.ip ?? "—"}</td>
                <td className="px-3 py-2.5 whitespace-nowrap" title={new Date(s.createdAt).toLocaleString()}>{relativeTime(s.createdAt)}</td>
                <td className="px-3 py-2.5 whitespace-nowrap" title={new Date(s.lastSeenAt).toLocaleString()}>{relativeTime(s.lastSeenAt)}</td>
                <td className="px-3 py-2.5 text-right">
                  <button type="button" className={dangerLink} aria-label={`End session on ${deviceLabel(s.userAgent)} from ${s.ip ?? "unknown address"}`} disabled={end.isPending} onClick={() => end.mutate({ id: person.id, sessionId: s.id })}>
                    End
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
