// Is this error "the database is unreachable right now" (so the caller should
// answer retry-later: SMTP 451, HTTP 503) rather than a bug or bad input?
// Walks Prisma's error, its driver-adapter cause and node-postgres/socket
// errors: Prisma's connectivity codes, the adapter's connection kinds,
// SQLSTATE classes 08 (connection exception) and 57P (operator intervention:
// shutdown, restart, cannot connect now), and socket error codes.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "DatabaseDoesNotExist"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

const UNAVAILABLE_TEXT = /Connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|is not currently accepting connections/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length) {
    const e = stack.pop();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as { code?: unknown; kind?: unknown; originalCode?: unknown; originalMessage?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown }; message?: unknown };
    if (typeof o.code === "string" && (PRISMA_CODES.has(o.code) || SOCKET_CODES.has(o.code) || /^(08|57P)/.test(o.code))) return true;
    if (typeof o.originalCode === "string" && /^(08|57P)/.test(o.originalCode)) return true;
    if (typeof o.kind === "string" && ADAPTER_KINDS.has(o.kind)) return true;
    for (const text of [o.message, o.originalMessage]) if (typeof text === "string" && UNAVAILABLE_TEXT.test(text)) return true;
    stack.push(o.cause, o.meta?.driverAdapterError);
  }
  return false;
}
