// The one readable line of a notification, per kind: who (an agent, a rule,
// an SLA policy) did what about which conversation or customer, and where the
// link goes. Pure (no React), so the bell and the tests share it. The shapes
// are src/server/notifications/kinds.ts; a row of no known shape ("other")
// still gets a sensible line from whatever it names.
import type { StoredNotification } from "@/server/notifications/kinds";

export type NotificationLine = {
  /** Who: "Sam Rivera", "Rule “VIP purchase”", "SLA “Urgent”". */
  actor: string;
  /** What, read after the actor: "mentioned you in". */
  action: string;
  /** About what: "#12 “Refund not received” (Aaliyah Mensah)". */
  object: string | null;
  /** A second line: the excerpt, the rule's message, the due time. */
  detail: string | null;
  href: string;
  tone: "mention" | "rule" | "warning" | "danger" | "info";
  /** actor + action + object, one sentence (the link's accessible name starts with it). */
  sentence: string;
};

type Ref = { conversationId?: string | null; conversationNumber?: number | null; subject?: string | null; customerId?: string | null; customerName?: string | null };

const TARGET: Record<string, string> = { first_response: "first response", resolution: "resolution" };

/** "#12 “Subject” (Customer)", "#12 (Customer)", "Customer", or null. */
export function conversationLabel(ref: Ref): string | null {
  const conv = ref.conversationNumber != null ? `#${ref.conversationNumber}${ref.subject ? ` “${ref.subject}”` : ""}` : ref.subject ? `“${ref.subject}”` : null;
  if (conv && ref.customerName) return `${conv} (${ref.customerName})`;
  return conv ?? ref.customerName ?? null;
}

function hrefOf(ref: Ref): string {
  if (ref.conversationId) return `/conversations/${ref.conversationId}`;
  if (ref.customerId) return `/customers/${ref.customerId}`;
  return "/inbox";
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

function line(parts: Omit<NotificationLine, "sentence">): NotificationLine {
  return { ...parts, sentence: [parts.actor, parts.action, parts.object].filter(Boolean).join(" ") };
}

export function describeNotification(n: StoredNotification): NotificationLine {
  switch (n.kind) {
    case "mention": {
      const d = n.data;
      return line({ actor: d.byName, action: "mentioned you in", object: conversationLabel(d), detail: d.excerpt || null, href: hrefOf(d), tone: "mention" });
    }
    case "rule": {
      const d = n.data;
      const object = conversationLabel(d);
      return line({ actor: `Rule “${d.ruleName}”`, action: object ? "notified you about" : "notified you", object, detail: d.text || null, href: hrefOf(d), tone: "rule" });
    }
    case "sla_breached":
    case "sla_at_risk": {
      const d = n.data;
      const breached = n.kind === "sla_breached";
      const target = TARGET[d.target] ?? d.target;
      return line({
        actor: d.policyName ? `SLA “${d.policyName}”` : "SLA",
        action: breached ? `breached: ${target} overdue on` : `at risk: ${target} due soon on`,
        object: conversationLabel(d),
        detail: `${breached ? "Was due" : "Due"} ${when(d.dueAt)}`,
        href: hrefOf(d),
        tone: breached ? "danger" : "warning",
      });
    }
    case "assigned": {
      const d = n.data;
      return line({ actor: d.byName ?? "Throughline", action: "assigned you", object: conversationLabel(d), detail: null, href: hrefOf(d), tone: "info" });
    }
    case "customer_message":
    case "customer_reopened": {
      const d = n.data;
      const reopened = n.kind === "customer_reopened";
      const object = conversationLabel({ ...d, customerName: null });
      return line({ actor: d.customerName ?? "The customer", action: reopened ? "replied to resolved" : "wrote on", object, detail: d.excerpt || null, href: hrefOf(d), tone: reopened ? "warning" : "mention" });
    }
    case "other": {
      const d = n.data;
      const object = conversationLabel(d);
      const actor = d.byName ?? (d.ruleName ? `Rule “${d.ruleName}”` : "Notification");
      const action = object ? "about" : d.text ? "" : `(${n.storedKind.replace(/_/g, " ")})`;
      return line({ actor, action, object, detail: d.text, href: hrefOf(d), tone: "info" });
    }
  }
}
