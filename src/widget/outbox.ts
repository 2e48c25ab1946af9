// The offline outbox: every message the visitor writes is kept in the host
// page's storage under its client id until the server acknowledges it (after
// commit), and is resent after a reconnect or reload; the server stores each
// client id once.
import type { Connection } from "./connection";
import type { Msg } from "./messages";
import type { Ack, AckError, ClientEvents } from "./types";

type Sent = Extract<Ack<"message:send">, { ok: true }>;

export type OutboxEntry = Pick<ClientEvents["message:send"], "clientId" | "text" | "attachments"> & {
  createdAt: string;
  /** What the attachments are, to show the message while it waits. */
  files?: { filename: string; contentType: string; size: number }[];
  context?: Msg["context"];
  page?: { url: string; title: string };
};

export type Outbox = ReturnType<typeof createOutbox>;

export function createOutbox(conn: Connection) {
  // Anything but a list (null after shutdown(), a value another script wrote) is an empty outbox.
  const stored = conn.get<OutboxEntry[]>("outbox", []);
  let entries: OutboxEntry[] = Array.isArray(stored) ? stored : [];
  let flushing = false;
  const drop = (clientId: string) => {
    entries = entries.filter((e) => e.clientId !== clientId);
    conn.set("outbox", entries);
  };

  return {
    get entries() {
      return entries;
    },
    drop,
    enqueue(entry: OutboxEntry) {
      entries.push(entry);
      conn.set("outbox", entries);
    },

    /**
     * Sends the outbox in order, one at a time. Acked → removed (onSent);
     * refused for good → removed (onFailed); offline/timeout → kept for the next
     * connect; rate limited → waits and goes on.
     */
    async flush(onSent: (e: OutboxEntry, ack: Sent) => void, onFailed: (e: OutboxEntry, ack: AckError) => void) {
      if (flushing) return;
      flushing = true;
      try {
        while (entries.length && conn.connected) {
          const entry = entries[0]!;
          let ack: Ack<"message:send">;
          try {
            ack = await conn.request(
              "message:send",
              { clientId: entry.clientId, text: entry.text, attachments: entry.attachments, context: entry.context ? { articleId: entry.context.articleId } : undefined, page: entry.page },
              20_000,
            );
          } catch {
            break; // offline or no answer: resent after the next connect
          }
          if (ack.ok) {
            drop(entry.clientId);
            onSent(entry, ack);
          } else if (ack.error === "rate_limited" || ack.error === "server_error") {
            await new Promise((r) => setTimeout(r, Math.min(Number(ack.retryAfter) || 3_000, 30_000)));
          } else {
            drop(entry.clientId);
            onFailed(entry, ack);
          }
        }
      } finally {
        flushing = false;
      }
    },
  };
}

/** A message waiting in the outbox (from before a reload), shown as sending. */
export function fromOutbox(e: OutboxEntry): Msg {
  return { key: e.clientId, clientId: e.clientId, from: "visitor", text: e.text, createdAt: e.createdAt, status: "pending", attachments: e.files ?? [], context: e.context };
}
