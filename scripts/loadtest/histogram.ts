// Latencies in 1 ms buckets: mergeable across processes (agents run in child
// processes), exact enough for p50/p99 of a loopback run.
export type HistogramJson = [ms: number, count: number][];
export type Summary = { count: number; min: number; p50: number; p95: number; p99: number; max: number; mean: number };

export class Histogram {
  private buckets = new Map<number, number>();
  count = 0;
  private sum = 0;

  add(ms: number) {
    const b = Math.max(0, Math.round(ms));
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
    this.count++;
    this.sum += b;
  }

  merge(json: HistogramJson) {
    for (const [ms, n] of json) {
      this.buckets.set(ms, (this.buckets.get(ms) ?? 0) + n);
      this.count += n;
      this.sum += ms * n;
    }
  }

  toJSON(): HistogramJson {
    return [...this.buckets];
  }

  summary(): Summary {
    const sorted = [...this.buckets].sort((a, b) => a[0] - b[0]);
    const at = (p: number) => {
      const rank = Math.max(1, Math.ceil((p / 100) * this.count));
      let seen = 0;
      for (const [ms, n] of sorted) {
        seen += n;
        if (seen >= rank) return ms;
      }
      return NaN;
    };
    return {
      count: this.count,
      min: sorted[0]?.[0] ?? NaN,
      p50: at(50),
      p95: at(95),
      p99: at(99),
      max: sorted[sorted.length - 1]?.[0] ?? NaN,
      mean: this.count ? Math.round((this.sum / this.count) * 10) / 10 : NaN,
    };
  }
}
