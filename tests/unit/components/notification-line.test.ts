// The bell's line for rows as they are stored: typed kinds read back through
// readNotification, and rows of no known shape (written before the shapes
// existed, or an unknown kind) get a generic line — never "Someone … #".
import { describe, expect, it } from "vitest";
import { createTranslator } from "next-intl";
import { readNotification } from "@/server/notifications/kinds";
import { describeNotification, type NotificationLocale, type NotificationTranslator } from "@/components/notification-line";
import german from "@/i18n/messages/de/components.json";

const CONV = "0193a3b0-1111-7abc-8def-0123456789ab";
const CUST = "0193a3b0-2222-7abc-8def-0123456789ab";
const ID = "0193a3b0-3333-7abc-8def-0123456789ab";
const line = (kind: string, data: unknown) => describeNotification(readNotification(kind, data));

describe("describeNotification on stored rows", () => {
  it("a mention row as notes.ts writes it", () => {
    const l = line("mention", { conversationId: CONV, conversationNumber: 12, subject: "Webhooks failing", customerId: CUST, customerName: "Aaliyah Mensah", messageId: ID, eventId: ID, byUserId: ID, byName: "Sam Rivera", excerpt: "Can you look?" });
    expect(l).toMatchObject({ actor: "Sam Rivera", action: "mentioned you in", object: "#12 “Webhooks failing” (Aaliyah Mensah)", detail: "Can you look?", href: `/conversations/${CONV}`, tone: "mention" });
    expect(l.sentence).toBe("Sam Rivera mentioned you in #12 “Webhooks failing” (Aaliyah Mensah)");
  });

  it("a rule row written before conversation number and subject were stored still reads as the rule", () => {
    const l = line("rule", { ruleId: ID, ruleName: "VIP purchase", text: "Grace bought for $600", customerId: CUST, customerName: "Grace Hopper", conversationId: null, eventId: ID });
    expect(l.sentence).toBe("Rule “VIP purchase” notified you about Grace Hopper");
    expect(l.href).toBe(`/customers/${CUST}`);
    expect(l.detail).toBe("Grace bought for $600");
  });

  it("a rule with neither conversation nor customer links to the inbox", () => {
    const l = line("rule", { ruleId: ID, ruleName: "Nightly", text: "Queue over 50", customerId: null, customerName: null, conversationId: null, eventId: null });
    expect(l).toMatchObject({ sentence: "Rule “Nightly” notified you", detail: "Queue over 50", href: "/inbox" });
  });

  it("an SLA row of the old shape (number, no customer) falls back to a generic line that still names the conversation", () => {
    const l = line("sla_breached", { conversationId: CONV, number: 7, subject: "Help 7", target: "first_response", dueAt: "2026-03-09T08:30:00.000Z", text: "SLA breached: first response was due 2026-03-09 08:30 UTC", eventId: ID });
    expect(l).toMatchObject({ actor: "Notification", action: "about", object: "#7 “Help 7”", detail: "SLA breached: first response was due 2026-03-09 08:30 UTC", href: `/conversations/${CONV}`, tone: "info" });
  });

  it("an old mention without its author's name is never “Someone mentioned you in #”", () => {
    const l = line("mention", { conversationId: CONV });
    expect(l.sentence).not.toMatch(/Someone|#$/);
    expect(l.href).toBe(`/conversations/${CONV}`);
    const empty = line("mention", {});
    expect(empty).toMatchObject({ sentence: "Notification (mention)", href: "/inbox" });
  });

  it("an unknown kind with nothing usable, and junk data, get a plain line and a safe link", () => {
    expect(line("assigned", { text: "You were assigned #3", conversationNumber: 3 })).toMatchObject({ sentence: "Notification about #3", detail: "You were assigned #3", href: "/inbox" });
    expect(line("weird", null)).toMatchObject({ sentence: "Notification (weird)", href: "/inbox" });
    // An id that is not an id never becomes a link.
    expect(line("weird", { conversationId: "../../settings" }).href).toBe("/inbox");
  });
});

describe("describeNotification in the agent's language", () => {
  const de: NotificationLocale = {
    t: createTranslator({ locale: "de", messages: { components: german } as never, namespace: "components.notifications" as never }) as unknown as NotificationTranslator,
    locale: "de",
  };
  const inGerman = (kind: string, data: unknown) => describeNotification(readNotification(kind, data), de);

  it("reads a mention in German, the verb after the conversation", () => {
    const l = inGerman("mention", { conversationId: CONV, conversationNumber: 12, subject: "Webhooks failing", customerId: CUST, customerName: "Aaliyah Mensah", messageId: ID, eventId: ID, byUserId: ID, byName: "Sam Rivera", excerpt: "Can you look?" });
    expect(l).toMatchObject({ actor: "Sam Rivera", action: "hat Sie in", object: "#12 „Webhooks failing“ (Aaliyah Mensah)", after: "erwähnt", href: `/conversations/${CONV}` });
    expect(l.sentence).toBe("Sam Rivera hat Sie in #12 „Webhooks failing“ (Aaliyah Mensah) erwähnt");
  });

  it("writes an SLA breach and its due date in German", () => {
    // Noon UTC: 9 March in any time zone the tests run in.
    const l = inGerman("sla_breached", { conversationId: CONV, conversationNumber: 7, subject: "Help 7", customerId: CUST, customerName: "Grace Hopper", policyName: "Urgent", target: "first_response", dueAt: "2026-03-09T12:00:00.000Z", text: "SLA breached", eventId: ID });
    expect(l.sentence).toBe("SLA „Urgent“ verletzt: Erste Antwort überfällig bei #7 „Help 7“ (Grace Hopper)");
    expect(l.detail).toMatch(/^War fällig am 9\. März, \d{2}:\d{2}$/);
    // The same row without a translator is still English, its date en-GB.
    const en = describeNotification(readNotification("sla_breached", { conversationId: CONV, conversationNumber: 7, subject: "Help 7", customerId: CUST, customerName: "Grace Hopper", policyName: "Urgent", target: "first_response", dueAt: "2026-03-09T12:00:00.000Z", text: "SLA breached", eventId: ID }));
    expect(en.sentence).toBe("SLA “Urgent” breached: first response overdue on #7 “Help 7” (Grace Hopper)");
    expect(en.detail).toMatch(/^Was due 9 Mar, \d{2}:\d{2}$/);
    expect(en.after).toBeUndefined();
  });
});
