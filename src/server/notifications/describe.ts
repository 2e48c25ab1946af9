// A notification in words for outside the tab (an email line, a push
// message), in the agent's locale (User.locale; English without one), with
// the absolute link to what it is about.
import { createTranslator } from "next-intl";
import { publicUrl } from "@/env";
import { DEFAULT_LOCALE, isLocale, type Locale } from "@/i18n/locales";
import { loadMessages } from "@/i18n/messages";
import type { TypedNotification } from "./kinds";

export type EmailTranslator = Awaited<ReturnType<typeof emailTranslator>>;

export async function emailTranslator(locale: string | null | undefined) {
  const l: Locale = isLocale(locale) ? locale : DEFAULT_LOCALE;
  const messages = await loadMessages(l);
  return createTranslator({ locale: l, messages: messages as never, namespace: "email" as never }) as unknown as (key: string, values?: Record<string, string | number>) => string;
}

type Ref = { conversationId: string | null; conversationNumber: number | null; subject: string | null; customerId: string | null; customerName: string | null };

function ref(n: TypedNotification): Ref {
  return n.data;
}

/** Absolute link: the conversation, else the customer, else the inbox. */
export function notificationUrl(n: TypedNotification): string {
  const r = ref(n);
  const path = r.conversationId ? `/conversations/${r.conversationId}` : r.customerId ? `/customers/${r.customerId}` : "/inbox";
  return `${publicUrl()}${path}`;
}

/** "#12 “Subject”" alone (the line names the customer itself). */
function conversationOnly(r: Ref): string {
  return r.conversationNumber != null ? `#${r.conversationNumber}${r.subject ? ` “${r.subject}”` : ""}` : r.subject ? `“${r.subject}”` : "";
}

function label(r: Ref): string {
  const conv = r.conversationNumber != null ? `#${r.conversationNumber}${r.subject ? ` “${r.subject}”` : ""}` : r.subject ? `“${r.subject}”` : "";
  if (conv && r.customerName) return `${conv} (${r.customerName})`;
  return conv || r.customerName || "";
}

/** One line (title) and its detail (body) for a notification. */
export function describeForEmail(t: EmailTranslator, n: TypedNotification): { title: string; body: string; url: string } {
  const object = label(ref(n));
  const url = notificationUrl(n);
  switch (n.kind) {
    case "mention":
      return { title: t("kinds.mention", { name: n.data.byName, object }), body: n.data.excerpt, url };
    case "rule":
      return { title: t("kinds.rule", { rule: n.data.ruleName, object }), body: n.data.text, url };
    case "sla_at_risk":
      return { title: t("kinds.slaAtRisk", { object }), body: n.data.text, url };
    case "sla_breached":
      return { title: t("kinds.slaBreached", { object }), body: n.data.text, url };
    case "assigned":
      return { title: n.data.byName ? t("kinds.assigned", { name: n.data.byName, object }) : t("kinds.assignedBySystem", { object }), body: "", url };
    case "customer_message":
      return { title: t("kinds.customerMessage", { customer: n.data.customerName ?? "—", object: conversationOnly(n.data) }), body: n.data.excerpt, url };
    case "customer_reopened":
      return { title: t("kinds.customerReopened", { customer: n.data.customerName ?? "—", object: conversationOnly(n.data) }), body: n.data.excerpt, url };
  }
}
