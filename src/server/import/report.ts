// The summary an import prints: what was imported, what was skipped (counted
// per record and reason), and what was imported differently from the source.
import { SKIP_REASONS, type ImportSkip } from "./model";
import type { ImportSummary } from "./run";

const SOURCE_NAME = { zendesk: "Zendesk", chatwoot: "Chatwoot" } as const;

export function skipCounts(skipped: ImportSkip[]): { record: ImportSkip["record"]; reason: string; count: number }[] {
  const counts = new Map<string, { record: ImportSkip["record"]; reason: string; count: number }>();
  for (const s of skipped) {
    const k = `${s.record}\u0000${s.reason}`;
    const c = counts.get(k) ?? { record: s.record, reason: SKIP_REASONS[s.reason], count: 0 };
    c.count++;
    counts.set(k, c);
  }
  const order = { customer: 0, conversation: 1, message: 2 } as const;
  return [...counts.values()].sort((a, b) => order[a.record] - order[b.record] || b.count - a.count || a.reason.localeCompare(b.reason));
}

export function formatSummary(s: ImportSummary, opts: { details?: boolean } = {}): string {
  const skippedOf = (record: ImportSkip["record"]) => s.skipped.filter((x) => x.record === record).length;
  const rows: [string, string, string][] = [
    ["", s.dryRun ? "would import" : "imported", "skipped"],
    ["customers", String(s.customers.imported), String(skippedOf("customer"))],
    ["  matched existing", String(s.customers.matched), ""],
    ["conversations", String(s.conversations.imported), String(skippedOf("conversation"))],
    ["  with new messages", String(s.conversations.updated), ""],
    ["messages", String(s.messages.imported), String(skippedOf("message"))],
    ["internal notes", String(s.messages.notes), ""],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = [`${s.dryRun ? "Dry run (nothing stored): " : ""}import from ${SOURCE_NAME[s.source]} into inbox "${s.inbox.name}"`, ""];
  for (const [a, b, c] of rows) lines.push(`  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padStart(7)}`.trimEnd());
  const counts = skipCounts(s.skipped);
  if (counts.length > 0) {
    lines.push("", "Skipped, by reason:");
    const wr = Math.max(...counts.map((c) => c.record.length));
    const wm = Math.max(...counts.map((c) => c.reason.length));
    for (const c of counts) lines.push(`  ${c.record.padEnd(wr)}  ${c.reason.padEnd(wm)}  ${String(c.count).padStart(5)}`);
  }
  const shown = s.skipped.filter((x) => x.reason !== "already_imported" && (opts.details || x.reason === "failed"));
  if (shown.length > 0) {
    lines.push("", "Skipped records:");
    for (const x of shown) lines.push(`  ${x.id}: ${SKIP_REASONS[x.reason]}${x.detail ? ` (${x.detail})` : ""}`);
  }
  if (s.warnings.length > 0) {
    lines.push("", "Warnings:");
    for (const w of s.warnings) lines.push(`  ${w}`);
  }
  return lines.join("\n");
}
