// Chatwoot's export (the contacts CSV export and Application API conversations
// with their messages) in the neutral import model, from the fixture export.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseChatwootExport } from "@/server/import/chatwoot/parse";
import { ImportFormatError, type ImportBundle } from "@/server/import/model";

const DIR = path.resolve(import.meta.dirname, "../../fixtures/import/chatwoot");
const file = (name: string) => ({ text: readFileSync(path.join(DIR, name), "utf8"), file: name });
// Between the fixture's times and conversation 45's snooze (2100): what "now" is for a snooze.
const NOW = new Date("2026-01-01T00:00:00Z");
const bundle: ImportBundle = parseChatwootExport({ contacts: file("contacts.csv"), conversations: file("conversations.json") }, NOW);
const conv = (id: number) => bundle.conversations.find((c) => c.key === `chatwoot:conversation:${id}`);
const skip = (id: string) => bundle.skipped.find((s) => s.id === id);

describe("parseChatwootExport", () => {
  it("makes contacts customers by email, phone number and identifier (as external id)", () => {
    expect(bundle.customers.find((c) => c.key === "chatwoot:contact:301")).toEqual({
      key: "chatwoot:contact:301",
      name: "Lena Fischer",
      identities: [
        { kind: "email", value: "lena.fischer@example.de" },
        { kind: "phone", value: "+4917612345678" },
        { kind: "external_id", value: "usr_5531" },
      ],
      createdAt: new Date("2024-12-01T09:00:00Z"),
    });
    expect(bundle.customers.find((c) => c.key === "chatwoot:contact:303")?.identities).toEqual([{ kind: "phone", value: "+886912345678" }]);
    // A quoted CSV cell with a comma stays one name.
    expect(bundle.customers.find((c) => c.key === "chatwoot:contact:305")?.name).toBe("Berg, Jonas");
  });

  it("skips an anonymous contact and its conversation; knows a contact missing from the CSV by its conversation's sender", () => {
    expect(skip("chatwoot:contact:304")).toMatchObject({ record: "customer", reason: "no_identity" });
    expect(skip("chatwoot:conversation:44")).toMatchObject({ record: "conversation", reason: "no_identity" });
    expect(bundle.customers.find((c) => c.key === "chatwoot:contact:309")?.identities).toEqual([{ kind: "email", value: "yusuf.demir@example.com.tr" }]);
    expect(conv(51)?.customerKey).toBe("chatwoot:contact:309");
  });

  it("skips a conversation without a sender", () => {
    expect(conv(48)).toBeUndefined();
    expect(skip("chatwoot:conversation:48")).toMatchObject({ record: "conversation", reason: "missing_requester" });
  });

  it("reads incoming messages as the customer's, outgoing as the agent's, private ones as notes, activity left out", () => {
    const c = conv(41)!;
    expect(c).toMatchObject({ status: "resolved", channel: "chat", tags: ["delivery"], assignee: { name: "Sam Carter", email: "sam.carter@acme-support.test" } });
    expect(c.entries.map((e) => [e.key, e.kind, e.direction, e.author.role, e.occurredAt.toISOString()])).toEqual([
      ["chatwoot:message:4101", "message", "inbound", "customer", "2025-04-22T09:58:00.000Z"],
      ["chatwoot:message:4102", "message", "outbound", "agent", "2025-04-22T10:03:00.000Z"],
      ["chatwoot:message:4103", "message", "inbound", "customer", "2025-04-22T10:10:00.000Z"],
    ]);
    expect(skip("chatwoot:message:4104")).toMatchObject({ record: "message", reason: "activity" });
    expect(conv(46)!.entries.map((e) => e.kind)).toEqual(["message", "note", "message"]);
  });

  it("keeps an email's HTML, sanitised, and its subject", () => {
    const c = conv(42)!;
    expect(c).toMatchObject({ channel: "email", subject: "Cancel subscription", priority: "high", status: "open" });
    const first = c.entries[0]!;
    expect(first.html).toContain("<b>end of this billing period</b>");
    expect(first.html).not.toMatch(/iframe|style|evil/);
    expect(c.entries[1]).toMatchObject({ kind: "note", author: { role: "agent", email: "jordan.miller@acme-support.test" } });
  });

  it("reads a bot's messages as the system's", () => {
    expect(conv(43)!.entries.map((e) => [e.author.role, e.author.name])).toEqual([
      ["customer", "Mei Lin"],
      ["system", "Acme Assistant"],
    ]);
    expect(conv(49)!.entries.map((e) => e.author.role)).toEqual(["customer", "system", "agent"]);
  });

  it("maps statuses and priorities: pending to open, medium to normal, a future snooze kept, a past one open", () => {
    expect(conv(43)).toMatchObject({ status: "open", originalStatus: "pending", channel: "whatsapp" });
    expect(conv(50)).toMatchObject({ status: "resolved", priority: "normal" });
    expect(conv(45)).toMatchObject({ status: "snoozed", snoozedUntil: new Date(4102444800 * 1000), priority: "low" });
    expect(conv(52)).toMatchObject({ status: "open", snoozedUntil: null });
    expect(bundle.warnings).toContain("chatwoot:conversation:52: snoozed without a future snoozed_until, imported as open");
  });

  it("reads an unknown status as open with a warning; skips an empty message and a repeated message id", () => {
    expect(conv(47)).toMatchObject({ status: "open", originalStatus: "archived", priority: "urgent" });
    expect(bundle.warnings).toContain('chatwoot:conversation:47: unknown status "archived", imported as open');
    expect(skip("chatwoot:message:4702")).toMatchObject({ reason: "empty_body" });
    expect(skip("chatwoot:message:4703")).toMatchObject({ reason: "duplicate" });
    expect(conv(47)!.entries.map((e) => e.key)).toEqual(["chatwoot:message:4701", "chatwoot:message:4703"]);
  });

  it("reads conversations one a line, and message types as words", () => {
    const line = JSON.stringify({ id: 9, status: "open", created_at: 1735689600, meta: { sender: { id: 1, name: "Ada", email: "ada@example.com" } }, messages: [{ id: 90, content: "Hi", message_type: "incoming", created_at: 1735689600 }] });
    const b = parseChatwootExport({ conversations: { text: `${line}\n${line.replace('"id":9', '"id":10').replace('"id":90', '"id":91')}\n`, file: "conversations.json" } });
    expect(b.conversations.map((c) => [c.key, c.entries[0]?.direction])).toEqual([
      ["chatwoot:conversation:9", "inbound"],
      ["chatwoot:conversation:10", "inbound"],
    ]);
  });

  it("reads contacts from the Contacts API's answer too", () => {
    const contacts = JSON.stringify({ meta: { count: 1, current_page: 1 }, payload: [{ id: 301, name: "Lena F.", email: "lena.fischer@example.de", phone_number: null, identifier: null, created_at: 1733043600 }] });
    const b = parseChatwootExport({ contacts: { text: contacts, file: "contacts.json" }, conversations: file("conversations.json") }, NOW);
    expect(b.customers.find((c) => c.key === "chatwoot:contact:301")).toEqual({ key: "chatwoot:contact:301", name: "Lena F.", identities: [{ kind: "email", value: "lena.fischer@example.de" }], createdAt: new Date(1733043600 * 1000) });
  });

  it("refuses an unreadable export clearly", () => {
    expect(() => parseChatwootExport({ conversations: { text: '[{"id": 1, "created_at": 1, "messages": [{"id": 2, "message_type": 9, "created_at": 1}]}]', file: "conversations.json" } })).toThrow(
      /^conversations\.json conversation #1: messages\.0\.message_type: /,
    );
    expect(() => parseChatwootExport({ conversations: { text: "{ not json", file: "conversations.json" } })).toThrow(ImportFormatError);
    expect(() => parseChatwootExport({ contacts: { text: 'name,email\n"Ada,ada@example.com\n', file: "contacts.csv" }, conversations: file("conversations.json") })).toThrow(/^contacts\.csv: invalid CSV/);
    expect(() => parseChatwootExport({ contacts: { text: "name,email\nAda,ada@example.com\n", file: "contacts.csv" }, conversations: file("conversations.json") })).toThrow('contacts.csv: no "id" column (found name, email)');
  });
});
