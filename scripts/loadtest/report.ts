// Turns what the visitors logged, what the database holds and what the agents
// received into the load test's report, and prints it. The verdict is strict:
// every message sent must be stored, and every stored message must reach every
// subscribed agent exactly once.
import type { ArtilleryReport } from "./artillery/driver.ts";
import type { AgentsReady, AgentsResult } from "./agents.ts";
import { Histogram, type Summary } from "./histogram.ts";
import type { MachineStats, ProcessStats } from "./sampler.ts";
import type { Stored } from "./setup.ts";
import type { VisitorLog } from "./visitor-log.ts";

export type AgentSide = {
  perProcess: (AgentsResult & { label: string })[];
  subscribed: number;
  signInErrors: Record<string, number>;
  ready: AgentsReady[];
};

type Input = {
  runId: string;
  startedAt: Date;
  options: Record<string, number>;
  database: string;
  sendPhaseSeconds: number;
  settleSeconds: number;
  visitors: VisitorLog;
  stored: Stored;
  agentSide: AgentSide;
  latency: Summary;
  artillery: { part: string; exitCode: number | null; report: ArtilleryReport | null; logTail: string }[];
  resources: { processes: ProcessStats[]; machine: MachineStats };
  appLogs: Record<string, string>;
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const add = (into: Record<string, number>, key: string, n = 1) => (into[key] = (into[key] ?? 0) + n);

export function buildReport(input: Input) {
  const { visitors: v, stored, agentSide } = input;
  const subscribed = agentSide.subscribed;

  // Visitors, from artillery's own counters.
  const counters = (name: string) => sum(input.artillery.map((a) => a.report?.counters[name] ?? 0));
  const artilleryErrors: Record<string, number> = {};
  const visitorDisconnects: Record<string, number> = {};
  for (const a of input.artillery)
    for (const [k, n] of Object.entries(a.report?.counters ?? {})) {
      if (k.startsWith("errors.")) add(artilleryErrors, k.slice(7), n);
      if (k.startsWith("loadtest.visitor_disconnect.")) add(visitorDisconnects, k.slice(28), n);
    }
  const sentTimes = [...v.sent.values()];
  const firstSend = Math.min(...sentTimes);
  const lastSend = Math.max(...sentTimes);
  const sendWindowSeconds = sentTimes.length > 1 ? (lastSend - firstSend) / 1000 : 0;

  // Messages: sent (visitor logs) vs stored (database) vs delivered (agents).
  const storedSet = new Set(stored.clientIds);
  const sentNotStored = [...v.sent.keys()].filter((c) => !storedSet.has(c));
  const storedNotSent = stored.clientIds.filter((c) => !v.sent.has(c));
  const receivedBy = new Map<string, number>();
  for (const p of agentSide.perProcess) for (const [c, n] of Object.entries(p.receivedBy)) receivedBy.set(c, (receivedBy.get(c) ?? 0) + n);
  let toAll = 0;
  let partially = 0;
  let never = 0;
  for (const c of storedSet) {
    const n = receivedBy.get(c) ?? 0;
    if (n >= subscribed) toAll++;
    else if (n > 0) partially++;
    else never++;
  }
  const receivedNotStored = [...receivedBy.keys()].filter((c) => !storedSet.has(c)).length;
  const deliveries = sum(agentSide.perProcess.map((p) => p.deliveries));
  const expectedDeliveries = stored.messages * subscribed;
  const duplicates = sum(agentSide.perProcess.map((p) => p.duplicates));

  const agentErrors: Record<string, number> = { ...agentSide.signInErrors };
  for (const r of agentSide.ready) for (const [k, n] of Object.entries(r.errors)) add(agentErrors, k, n);
  for (const p of agentSide.perProcess) for (const [k, n] of Object.entries(p.errors)) if (!(k in agentErrors)) add(agentErrors, k, n);

  const appErrors: Record<string, { lines: number; samples: string[] }> = {};
  for (const [label, text] of Object.entries(input.appLogs)) {
    const lines = text.split("\n").filter((l) => /error|failed|warn|unhandled|exception|unreachable/i.test(l));
    appErrors[label] = { lines: lines.length, samples: [...new Set(lines.map((l) => l.slice(0, 300)))].slice(0, 8) };
  }

  const messages = {
    sent: v.sent.size,
    acked: v.ackedOk,
    ackedAsDuplicate: v.ackedDuplicate,
    refused: v.refused,
    refusedByCode: v.refusedByCode,
    unacked: v.sent.size - v.ackedOk - v.refused,
    stored: stored.messages,
    storedTimelineEvents: stored.timelineEvents,
    sentNotStored: sentNotStored.length,
    storedNotSent: storedNotSent.length,
    deliveredToAllAgents: toAll,
    deliveredToSomeAgents: partially,
    deliveredToNoAgent: never,
    receivedButNotStored: receivedNotStored,
    deliveries: { expected: expectedDeliveries, received: deliveries, missing: Math.max(0, expectedDeliveries - deliveries), duplicates },
  };

  const problems: string[] = [];
  if (messages.sent === 0) problems.push("no message was sent");
  if (messages.sent !== messages.stored) problems.push(`sent ${messages.sent} ≠ stored ${messages.stored}`);
  if (messages.stored !== messages.deliveredToAllAgents) problems.push(`stored ${messages.stored} ≠ delivered to all ${subscribed} agents ${messages.deliveredToAllAgents}`);
  if (messages.storedTimelineEvents !== messages.stored) problems.push(`stored messages ${messages.stored} ≠ their timeline events ${messages.storedTimelineEvents}`);
  if (duplicates > 0) problems.push(`${duplicates} duplicate deliveries`);
  if (receivedNotStored > 0) problems.push(`${receivedNotStored} messages received by agents but not in the database`);

  // Ack latency by 10-second window of send time: shows whether slow acks are spread out or stalls.
  const windows = new Map<number, Histogram>();
  for (const [sentAt, ms] of v.acks) {
    const w = Math.floor((sentAt - firstSend) / 10_000);
    if (!windows.has(w)) windows.set(w, new Histogram());
    windows.get(w)!.add(ms);
  }
  const ackByWindow = [...windows]
    .sort((x, y) => x[0] - y[0])
    .map(([w, h]) => {
      const s = h.summary();
      return { fromSecond: w * 10, count: s.count, p50: s.p50, p99: s.p99, max: s.max };
    });

  const artillerySummaries = Object.fromEntries(input.artillery.map((a) => [a.part, a.report?.summaries["socketio.response_time"] ?? null]));
  return {
    runId: input.runId,
    startedAt: input.startedAt.toISOString(),
    options: input.options,
    database: input.database,
    timing: {
      /** From starting artillery to its exit (includes its own start-up of several seconds). */
      artilleryRunSeconds: round(input.sendPhaseSeconds),
      /** First to last message sent. */
      sendWindowSeconds: round(sendWindowSeconds),
      messagesPerSecond: sendWindowSeconds > 0 ? round(v.sent.size / sendWindowSeconds) : NaN,
      settleSeconds: round(input.settleSeconds),
    },
    visitors: {
      planned: input.options.visitors!,
      connected: counters("loadtest.visitors_connected"),
      vusersCreated: counters("vusers.created"),
      vusersCompleted: counters("vusers.completed"),
      vusersFailed: counters("vusers.failed"),
      disconnects: visitorDisconnects,
      artilleryExitCodes: Object.fromEntries(input.artillery.map((a) => [a.part, a.exitCode])),
    },
    agents: {
      planned: input.options.agents!,
      subscribed,
      perProcess: Object.fromEntries(agentSide.perProcess.map((p) => [p.label, { agents: p.agents, connectedAtEnd: p.connected, disconnects: p.disconnects }])),
      otherTimelineEventsSeen: sum(agentSide.perProcess.map((p) => p.otherEvents)),
    },
    messages,
    latency: {
      deliveryMs: input.latency,
      ackMs: v.ackLatency.summary(),
      ackByTenSeconds: ackByWindow,
      artilleryAckMs: artillerySummaries,
    },
    errors: { visitorsArtillery: artilleryErrors, visitorRefusals: v.refusedByCode, agents: agentErrors, appLogs: appErrors },
    resources: input.resources,
    artilleryLogTail: Object.fromEntries(input.artillery.filter((a) => a.exitCode !== 0).map((a) => [a.part, a.logTail])),
    verdict: { ok: problems.length === 0, problems },
  };
}

export type Report = ReturnType<typeof buildReport>;

const round = (n: number) => Math.round(n * 10) / 10;
const fmt = (n: number) => (Number.isFinite(n) ? n.toLocaleString("en-US") : "n/a");
const lat = (s: { count: number; p50: number; p95: number; p99: number; max: number; mean?: number } | null | undefined) =>
  s && s.count ? `p50 ${fmt(s.p50)} ms · p95 ${fmt(s.p95)} ms · p99 ${fmt(s.p99)} ms · max ${fmt(s.max)} ms (n=${fmt(s.count)})` : "n/a";

export function printReport(r: Report) {
  const m = r.messages;
  const line = (label: string, value: string) => console.log(`  ${label.padEnd(34)} ${value}`);
  console.log(`\n================ Throughline load test ${r.runId} ================`);
  line("database", r.database);
  line("artillery run / send window", `${r.timing.artilleryRunSeconds} s / ${r.timing.sendWindowSeconds} s (${fmt(r.timing.messagesPerSecond)} messages/s)`);
  line("settle after the last ack", `${r.timing.settleSeconds} s`);
  console.log("Visitors (artillery, socket.io /widget)");
  line("connected / planned", `${fmt(r.visitors.connected)} / ${fmt(r.visitors.planned)}  (vusers created ${fmt(r.visitors.vusersCreated)}, completed ${fmt(r.visitors.vusersCompleted)}, failed ${fmt(r.visitors.vusersFailed)})`);
  line("unexpected disconnects", JSON.stringify(r.visitors.disconnects));
  console.log("Agents (socket.io /, subscribed to all inboxes)");
  line("subscribed / planned", `${r.agents.subscribed} / ${r.agents.planned}`);
  for (const [label, p] of Object.entries(r.agents.perProcess)) line(`  on app process ${label}`, `${p.agents} agents, ${p.connectedAtEnd} connected at the end, ${p.disconnects} disconnects`);
  console.log("Messages");
  line("sent", fmt(m.sent));
  line("acked ok (refused, no ack)", `${fmt(m.acked)} (${fmt(m.refused)}, ${fmt(m.unacked)})`);
  line("stored (timeline events)", `${fmt(m.stored)} (${fmt(m.storedTimelineEvents)})`);
  line("delivered to all agents", `${fmt(m.deliveredToAllAgents)}  (to some: ${fmt(m.deliveredToSomeAgents)}, to none: ${fmt(m.deliveredToNoAgent)})`);
  line("deliveries received / expected", `${fmt(m.deliveries.received)} / ${fmt(m.deliveries.expected)} (missing ${fmt(m.deliveries.missing)}, duplicates ${fmt(m.deliveries.duplicates)})`);
  line("sent not stored / stored not sent", `${fmt(m.sentNotStored)} / ${fmt(m.storedNotSent)}`);
  console.log("Latency");
  line("delivery (send → agent receipt)", lat(r.latency.deliveryMs));
  line("ack (send → ack, visitor log)", lat(r.latency.ackMs));
  console.log(`  ack p50/p99 ms by 10 s of the send window: ${r.latency.ackByTenSeconds.map((w) => `${w.p50}/${w.p99}`).join(" ")}`);
  for (const [part, s] of Object.entries(r.latency.artilleryAckMs)) line(`ack (artillery ${part}, socketio.response_time)`, s ? `p50 ${s.p50} ms · p95 ${s.p95} ms · p99 ${s.p99} ms · max ${s.max} ms (n=${s.count})` : "n/a");
  console.log("Errors");
  line("visitors (artillery errors.*)", JSON.stringify(r.errors.visitorsArtillery));
  line("visitor refusals (ack not ok)", JSON.stringify(r.errors.visitorRefusals));
  line("agents", JSON.stringify(r.errors.agents));
  for (const [label, e] of Object.entries(r.errors.appLogs)) {
    line(`app ${label} log lines (error/warn)`, String(e.lines));
    for (const s of e.samples) console.log(`      ${s}`);
  }
  console.log("Resources");
  for (const p of r.resources.processes) line(p.label, `RSS start ${p.rssStartMiB} MiB · peak ${p.rssPeakMiB} MiB · end ${p.rssEndMiB} MiB · CPU ${Number.isFinite(p.cpuSeconds) ? p.cpuSeconds.toFixed(1) : "n/a"} s`);
  const mc = r.resources.machine;
  line("machine load (1 min avg)", `${mc.cores} cores; start ${mc.load1Start}, mean ${mc.load1Mean}, peak ${mc.load1Peak}, end ${mc.load1End}`);
  for (const [part, t] of Object.entries(r.artilleryLogTail)) console.log(`artillery ${part} output (tail):\n${t}`);
  console.log(r.verdict.ok ? "\nPASS: sent = stored = delivered to every agent, no duplicates" : `\nFAIL: ${r.verdict.problems.join("; ")}`);
}
