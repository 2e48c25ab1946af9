// Reads the visitors' send/ack logs written by artillery/processor.cjs
// ("s <clientId> <sentAt>" and "a <clientId> <ok|error code> <ms> <duplicate>").
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Histogram } from "./histogram.ts";

export type VisitorLog = {
  sent: Map<string, number>;
  ackedOk: number;
  ackedDuplicate: number;
  refused: number;
  refusedByCode: Record<string, number>;
  /** Sends whose ack line appears twice (should never happen). */
  doubleAcks: number;
  ackLatency: Histogram;
  /** [sentAt, ack ms] of every ack, for latency over time. */
  acks: [number, number][];
};

export function readVisitorLogs(dir: string, prefix: string): VisitorLog {
  const out: VisitorLog = { sent: new Map(), ackedOk: 0, ackedDuplicate: 0, refused: 0, refusedByCode: {}, doubleAcks: 0, ackLatency: new Histogram(), acks: [] };
  const acked = new Set<string>();
  const acks: [string, number][] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith(".log"))) {
    for (const line of readFileSync(path.join(dir, file), "utf8").split("\n")) {
      const [kind, clientId, a, b, c] = line.split(" ");
      if (!clientId) continue;
      if (kind === "s") out.sent.set(clientId, Number(a));
      else if (kind === "a") {
        if (acked.has(clientId)) out.doubleAcks++;
        acked.add(clientId);
        out.ackLatency.add(Number(b));
        acks.push([clientId, Number(b)]);
        if (a === "ok") {
          out.ackedOk++;
          if (c === "1") out.ackedDuplicate++;
        } else {
          out.refused++;
          out.refusedByCode[a!] = (out.refusedByCode[a!] ?? 0) + 1;
        }
      }
    }
  }
  for (const [clientId, ms] of acks) {
    const sentAt = out.sent.get(clientId);
    if (sentAt !== undefined) out.acks.push([sentAt, ms]);
  }
  return out;
}
