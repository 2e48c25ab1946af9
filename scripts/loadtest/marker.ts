// Every load-test chat message starts with "lt:<runId>:<clientId>:<sentAtMs> ":
// agents read the send time from the text they receive (the visitor driver in
// artillery/processor.cjs writes it; keep the two in step).
const MARKER = /^lt:([a-z0-9]+):([A-Za-z0-9_-]{8,64}):(\d{13}) /;

export function parseMarker(text: string | undefined, runId: string): { clientId: string; sentAt: number } | null {
  const m = text ? MARKER.exec(text) : null;
  if (!m || m[1] !== runId) return null;
  return { clientId: m[2]!, sentAt: Number(m[3]) };
}
