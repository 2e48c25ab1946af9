// The one readable line of a notification, per kind: who (an agent, a rule,
// an SLA policy) did what about which conversation or customer, and where the
// link goes. Pure (no React), so the bell and the tests share it. The shapes
// are src/server/notifications/kinds.ts; a row of no known shape ("other")
// still gets a sensible line from whatever it names.
//
// The words are components.notifications.line.* in the agent's locale: the
// bell passes its translator and locale; without them the line is English
// (from en/components.json). Each action message places {object} where its
// language wants it: the words before it are `action`, any after it `after`.
import { createTranslator } from "next-intl";
import englishComponents from "@/i18n/messages/en/components.json";
import type { StoredNotification } from "@/server/notifications/kinds";

/** A translator for components.notifications (useTranslations or createTranslator). */
export type NotificationTranslator = (key: string, values?: Record<string, string | number>) => string;
/** The language of a line: its translator and the locale its dates are written in. */
export type NotificationLocale = { t: NotificationTranslator; locale: string };

let english: NotificationLocale | undefined;
/** English, from the English message file (what a line reads without a translator). */
export function englishNotificationLocale(): NotificationLocale {
  english ??= {
    t: createTranslator({ locale: "en", messages: { components: englishComponents } as never, namespace: "components.notifications" as never }) as unknown as NotificationTranslator,
    locale: "en",
  };
  return english;
}

export type NotificationLine = {
  /** Who: "Sam Rivera", "Rule “VIP purchase”", "SLA “Urgent”". */
  actor: string;
  /** What, read after the actor: "mentioned you in". */
  action: string;
  /** About what: "#12 “Refund not received” (Aaliyah Mensah)". */
  object: string | null;
  /** Words after the object, in a language that puts the verb last ("erwähnt"); never in English. */
  after?: string;
  /** A second line: the excerpt, the rule's message, the due time. */
  detail: string | null;
  href: string;
  tone: "mention" | "rule" | "warning" | "danger" | "info";
  /** actor + action + object (+ after), one sentence (the link's accessible name starts with it). */
  sentence: string;
};

type Ref = { conversationId?: string | null; conversationNumber?: number | null; subject?: string | null; customerId?: string | null; customerName?: string | null };

const TARGETS = new Set(["first_response", "resolution"]);

/** "#12 “Subject” (Customer)", "#12 (Customer)", "Customer", or null. */
export function conversationLabel(ref: Ref, lang: NotificationLocale = englishNotificationLocale()): string | null {
  const { t } = lang;
  const number = ref.conversationNumber;
  const conv =
    number != null
      ? ref.subject
        ? t("line.conversationSubject", { number: String(number), subject: ref.subject })
        : t("line.conversation", { number: String(number) })
      : ref.subject
        ? t("line.subject", { subject: ref.subject })
        : null;
  if (conv && ref.customerName) return t("line.withCustomer", { conversation: conv, customer: ref.customerName });
  return conv ?? ref.customerName ?? null;
}

function hrefOf(ref: Ref): string {
  if (ref.conversationId) return `/conversations/${ref.conversationId}`;
  if (ref.customerId) return `/customers/${ref.customerId}`;
  return "/inbox";
}

/** "9 Mar, 08:30" in English (en-GB), "9. März, 08:30" in German: the day and time in the line's locale. */
function when(iso: string, locale: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale === "en" ? "en-GB" : locale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

// Stands in for the object while an action message is split around it.
const OBJECT = "\u2063\u2060object\u2060\u2063";

/** An action message split at {object}: the words before it, and any after it. */
function around(lang: NotificationLocale, key: string, values: Record<string, string> = {}): { action: string; after?: string } {
  const text = lang.t(key, { ...values, object: OBJECT });
  const i = text.indexOf(OBJECT);
  if (i < 0) return { action: text.trim() };
  const after = text.slice(i + OBJECT.length).trim();
  return after ? { action: text.slice(0, i).trim(), after } : { action: text.slice(0, i).trim() };
}

function line(parts: Omit<NotificationLine, "sentence">): NotificationLine {
  return { ...parts, sentence: [parts.actor, parts.action, parts.object, parts.after].filter(Boolean).join(" ") };
}

/** The line of one stored notification, in English unless `lang` (the bell's translator and locale) says otherwise. */
export function describeNotification(n: StoredNotification, lang: NotificationLocale = englishNotificationLocale()): NotificationLine {
  const { t } = lang;
  switch (n.kind) {
    case "mention": {
      const d = n.data;
      return line({ actor: d.byName, ...around(lang, "line.mention"), object: conversationLabel(d, lang), detail: d.excerpt || null, href: hrefOf(d), tone: "mention" });
    }
    case "rule": {
      const d = n.data;
      const object = conversationLabel(d, lang);
      return line({ actor: t("line.ruleActor", { name: d.ruleName }), ...(object ? around(lang, "line.ruleAbout") : { action: t("line.rule") }), object, detail: d.text || null, href: hrefOf(d), tone: "rule" });
    }
    case "sla_breached":
    case "sla_at_risk": {
      const d = n.data;
      const breached = n.kind === "sla_breached";
      const target = TARGETS.has(d.target) ? t(`line.targets.${d.target}`) : d.target;
      const due = when(d.dueAt, lang.locale);
      return line({
        actor: d.policyName ? t("line.slaActor", { name: d.policyName }) : t("line.sla"),
        ...around(lang, breached ? "line.slaBreached" : "line.slaAtRisk", { target }),
        object: conversationLabel(d, lang),
        detail: breached ? t("line.wasDue", { when: due }) : t("line.due", { when: due }),
        href: hrefOf(d),
        tone: breached ? "danger" : "warning",
      });
    }
    case "assigned": {
      const d = n.data;
      return line({ actor: d.byName ?? "Throughline", ...around(lang, "line.assigned"), object: conversationLabel(d, lang), detail: null, href: hrefOf(d), tone: "info" });
    }
    case "customer_message":
    case "customer_reopened": {
      const d = n.data;
      const reopened = n.kind === "customer_reopened";
      const object = conversationLabel({ ...d, customerName: null }, lang);
      return line({ actor: d.customerName ?? t("line.theCustomer"), ...around(lang, reopened ? "line.reopened" : "line.wrote"), object, detail: d.excerpt || null, href: hrefOf(d), tone: reopened ? "warning" : "mention" });
    }
    case "other": {
      const d = n.data;
      const object = conversationLabel(d, lang);
      const actor = d.byName ?? (d.ruleName ? t("line.ruleActor", { name: d.ruleName }) : t("line.notification"));
      const action = object ? around(lang, "line.about") : { action: d.text ? "" : t("line.storedKind", { kind: n.storedKind.replace(/_/g, " ") }) };
      return line({ actor, ...action, object, detail: d.text, href: hrefOf(d), tone: "info" });
    }
  }
}
