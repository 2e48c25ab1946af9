// Samples resident memory (VmRSS) and CPU time of processes from /proc every
// few seconds, plus the machine's load average (the machine is shared, so the
// figures need that context).
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export type ProcessStats = { label: string; pid: number; rssStartMiB: number; rssPeakMiB: number; rssEndMiB: number; cpuSeconds: number };
export type MachineStats = { cores: number; load1Start: number; load1Peak: number; load1End: number; load1Mean: number };

function rssKiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces): [0] = state (field 3). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** utime + stime (fields 14, 15); with children, also cutime + cstime (16, 17: children that exited). */
function cpuTicks(pid: number, withExitedChildren = false): number | null {
  const f = statFields(pid);
  if (!f) return null;
  return Number(f[11]) + Number(f[12]) + (withExitedChildren ? Number(f[13]) + Number(f[14]) : 0);
}

export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === pid) out.push(Number(entry));
  }
  return out;
}

/** CPU of a process and its children (PostgreSQL: the postmaster and its backends). */
function treeCpuTicks(pid: number): number | null {
  const own = cpuTicks(pid, true);
  if (own === null) return null;
  return own + childrenOf(pid).reduce((n, c) => n + (cpuTicks(c, true) ?? 0), 0);
}

type Tracked = { label: string; pid: number; tree: boolean; first: number | null; peak: number; last: number | null; cpu0: number | null; cpuLast: number | null };

export class Sampler {
  private tracked: Tracked[] = [];
  private loads: number[] = [];
  private timer?: NodeJS.Timeout;

  /** tree: count the CPU of its child processes too (RSS stays the process's own). */
  track(label: string, pid: number, tree = false) {
    const cpu = tree ? treeCpuTicks(pid) : cpuTicks(pid);
    const rss = rssKiB(pid);
    this.tracked.push({ label, pid, tree, first: rss, peak: rss ?? 0, last: rss, cpu0: cpu, cpuLast: cpu });
  }

  start(everyMs = 2_000) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample() {
    this.loads.push(os.loadavg()[0]!);
    for (const t of this.tracked) {
      const rss = rssKiB(t.pid);
      if (rss !== null) {
        // A process tracked right after spawn has not exec'd/mapped its runtime yet (< 1 MiB).
        if (!t.first || t.first < 1024) t.first = rss;
        t.last = rss;
        t.peak = Math.max(t.peak, rss);
      }
      const cpu = t.tree ? treeCpuTicks(t.pid) : cpuTicks(t.pid);
      if (cpu !== null) t.cpuLast = cpu;
    }
  }

  /** Current RSS of every tracked process, for progress lines. */
  current(): string {
    return this.tracked.map((t) => `${t.label} ${mib(t.last)} MiB`).join(", ");
  }

  stop(): { processes: ProcessStats[]; machine: MachineStats } {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const loads = this.loads;
    return {
      processes: this.tracked.map((t) => ({
        label: t.label,
        pid: t.pid,
        rssStartMiB: mib(t.first),
        rssPeakMiB: mib(t.peak),
        rssEndMiB: mib(t.last),
        cpuSeconds: t.cpu0 !== null && t.cpuLast !== null ? (t.cpuLast - t.cpu0) / TICKS_PER_SECOND : NaN,
      })),
      machine: {
        cores: os.cpus().length,
        load1Start: round(loads[0] ?? NaN),
        load1Peak: round(Math.max(...loads)),
        load1End: round(loads[loads.length - 1] ?? NaN),
        load1Mean: round(loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)),
      },
    };
  }
}

const mib = (kib: number | null) => (kib === null ? NaN : Math.round((kib / 1024) * 10) / 10);
const round = (n: number) => Math.round(n * 100) / 100;
