// The conversation as the widget holds it: stored messages from the server and
// the visitor's own, unsent ones (keyed by their client id), in display order.
import type { DeliveryStatus } from "@/lib/vocabulary";
import type { ServerMessage, WidgetAttachment } from "./types";

/** An attachment as shown: a stored one has its url; one still on its way, a local object URL. */
export type Attachment = Omit<WidgetAttachment, "id" | "url"> & { id?: string; url?: string; local?: string };

export type Msg = Pick<ServerMessage, "from" | "text" | "createdAt"> &
  Partial<Pick<ServerMessage, "id" | "clientId" | "agent" | "context">> & {
    /** clientId for the visitor's own messages, else the server id. */
    key: string;
    /** "pending": in the outbox, not acknowledged yet. */
    status: "pending" | Extract<DeliveryStatus, "delivered" | "read" | "failed">;
    error?: string;
    attachments: Attachment[];
  };

export function toMsg(origin: string, s: ServerMessage): Msg {
  return {
    key: s.clientId ?? s.id,
    id: s.id,
    clientId: s.clientId,
    from: s.from,
    text: s.text,
    createdAt: s.createdAt,
    status: s.status,
    agent: s.agent,
    attachments: s.attachments.map((a) => ({ ...a, url: origin + a.url })),
    context: s.context,
  };
}

export const unsent = (m: Msg) => m.status === "pending" || m.status === "failed";

export function sortMessages(messages: Msg[]) {
  // Stored messages by time; unsent ones stay at the end in the order written.
  const rank = (m: Msg) => (unsent(m) ? 1 : 0);
  messages.sort((a, b) => rank(a) - rank(b) || Date.parse(a.createdAt) - Date.parse(b.createdAt));
}
