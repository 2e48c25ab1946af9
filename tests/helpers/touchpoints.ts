// Touchpoint fixtures shared by the write-path and conversation-lifecycle
// suites: an inbound email as the email adapter would hand it in, and a
// recorder of what the bus publishes.
import { bus, type DomainEvent } from "@/server/events/bus";
import type { TouchpointInput } from "@/server/ingest/record";

/** An inbound email from `from` with platform message id `pmid`, in its own thread of `inboxId`. */
export function inboundEmailTo(inboxId: string, from: string, pmid: string, over: Partial<TouchpointInput> = {}): TouchpointInput {
  return {
    identities: [{ kind: "email", value: from, verified: true, source: "email_from" }],
    customerName: "Mail Person",
    channel: "email",
    kind: "message",
    actor: "customer",
    text: `hello from ${pmid}`,
    conversation: { inboxId, externalThreadKey: `<root-${pmid}@x>`, subject: "Help" },
    message: { direction: "inbound", bodyText: `hello from ${pmid}`, platformMessageId: pmid, subject: "Help" },
    ...over,
  };
}

/** Records every bus event until off() is called. */
export function captureBus() {
  const seen: DomainEvent[] = [];
  const off = bus.on((e) => {
    seen.push(e);
  });
  return { seen, off };
}
