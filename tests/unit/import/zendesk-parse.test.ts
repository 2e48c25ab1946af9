// Zendesk's JSON export (tickets.json and users.json, one object a line) in
// the neutral import model, from the fixture export: customers and their
// identities, tickets with their comments in order, private comments as notes,
// HTML sanitised, statuses mapped, and every edge case skipped with its reason.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ImportFormatError, type ImportBundle } from "@/server/import/model";
import { parseZendeskExport } from "@/server/import/zendesk/parse";

const DIR = path.resolve(import.meta.dirname, "../../fixtures/import/zendesk");
const file = (name: string) => ({ text: readFileSync(path.join(DIR, name), "utf8"), file: name });
const bundle: ImportBundle = parseZendeskExport({ tickets: file("tickets.json"), users: file("users.json") });
const conv = (id: number) => bundle.conversations.find((c) => c.key === `zendesk:ticket:${id}`);
const skip = (id: string) => bundle.skipped.find((s) => s.id === id);

describe("parseZendeskExport", () => {
  it("makes end-users customers with their email, phone and external id; agents are not customers", () => {
    const keys = bundle.customers.map((c) => c.key);
    expect(keys).toContain("zendesk:user:1001");
    expect(keys.filter((k) => ["zendesk:user:2001", "zendesk:user:2002", "zendesk:user:2003"].includes(k))).toEqual([]);
    expect(bundle.customers.find((c) => c.key === "zendesk:user:1001")).toEqual({
      key: "zendesk:user:1001",
      name: "Hannah Becker",
      identities: [
        { kind: "email", value: "hannah.becker@example.com" },
        { kind: "phone", value: "+4915112345671" },
      ],
      createdAt: new Date("2024-11-02T08:14:09Z"),
    });
    expect(bundle.customers.find((c) => c.key === "zendesk:user:1003")?.identities).toContainEqual({ kind: "external_id", value: "cust-8841" });
  });

  it("keeps a requester without email by their phone", () => {
    expect(bundle.customers.find((c) => c.key === "zendesk:user:1004")?.identities).toEqual([{ kind: "phone", value: "+351912345678" }]);
    expect(conv(5004)?.customerKey).toBe("zendesk:user:1004");
    expect(conv(5004)?.channel).toBe("whatsapp");
  });

  it("reads a ticket's comments oldest first: customer messages inbound, agent replies outbound, private comments as notes", () => {
    const t = conv(5001)!;
    expect(t).toMatchObject({ subject: "Order #A-1042 arrived damaged", status: "resolved", originalStatus: "solved", priority: "high", tags: ["shipping", "damaged_item"], channel: "email" });
    expect(t.assignee).toEqual({ name: "Jordan Miller", email: "jordan.miller@acme-support.test" });
    expect(t.createdAt.toISOString()).toBe("2025-03-03T08:12:40.000Z");
    expect(t.entries.map((e) => [e.key, e.kind, e.direction, e.author.role, e.occurredAt.toISOString()])).toEqual([
      ["zendesk:comment:70011", "message", "inbound", "customer", "2025-03-03T08:12:40.000Z"],
      ["zendesk:comment:70012", "message", "outbound", "agent", "2025-03-03T09:47:05.000Z"],
      ["zendesk:comment:70013", "note", "outbound", "agent", "2025-03-03T09:49:30.000Z"],
      ["zendesk:comment:70014", "message", "inbound", "customer", "2025-03-05T16:02:11.000Z"],
    ]);
    expect(t.entries[2]!.text).toContain("refund of shipping approved by finance");
  });

  it("sanitises HTML bodies as inbound email is (no script, no event handlers, no javascript: CSS)", () => {
    const first = conv(5002)!.entries[0]!;
    expect(first.text).toBe('I reset my password but the login page keeps saying "invalid credentials".');
    expect(first.html).toContain("<b>\"invalid credentials\"</b>");
    expect(first.html).not.toMatch(/script|onerror|javascript/i);
    const reply = conv(5002)!.entries[1]!;
    expect(reply.html).toContain('href="https://acme.example/reset"');
    expect(reply.html).not.toContain("onclick");
  });

  it("maps Zendesk statuses: hold and pending to pending, solved to resolved, closed stays, new to open", () => {
    expect(conv(5002)?.status).toBe("closed");
    expect(conv(5003)?.status).toBe("pending");
    expect(conv(5005)).toMatchObject({ status: "pending", originalStatus: "hold", priority: "low", channel: "api" });
    expect(conv(5009)).toMatchObject({ status: "open", originalStatus: "new", priority: "normal" });
  });

  it("reads an unknown status as open, with a warning", () => {
    expect(conv(5007)).toMatchObject({ status: "open", originalStatus: "escalated", priority: "urgent" });
    expect(bundle.warnings).toContain('zendesk:ticket:5007: unknown status "escalated", imported as open');
  });

  it("skips a ticket whose requester is not in the export, and one whose requester has no identity", () => {
    expect(conv(5006)).toBeUndefined();
    expect(skip("zendesk:ticket:5006")).toMatchObject({ record: "conversation", reason: "missing_requester" });
    expect(conv(5010)).toBeUndefined();
    expect(skip("zendesk:ticket:5010")).toMatchObject({ record: "conversation", reason: "no_identity" });
    expect(skip("zendesk:user:1010")).toMatchObject({ record: "customer", reason: "no_identity" });
  });

  it("skips an empty comment and a repeated comment id, keeping the rest of the ticket", () => {
    expect(skip("zendesk:comment:70072")).toMatchObject({ record: "message", reason: "empty_body" });
    expect(conv(5007)!.entries.map((e) => e.key)).toEqual(["zendesk:comment:70071", "zendesk:comment:70073"]);
    expect(skip("zendesk:comment:70082")).toMatchObject({ record: "message", reason: "duplicate" });
    expect(conv(5008)!.entries.map((e) => e.key)).toEqual(["zendesk:comment:70081", "zendesk:comment:70082"]);
  });

  it("uses the description of a ticket exported without comments as its first message", () => {
    expect(conv(5009)!.entries).toMatchObject([{ key: "zendesk:ticket:5009:description", kind: "message", direction: "inbound", author: { role: "customer", name: "Emma Laurent" } }]);
  });

  it("reads an Incremental Ticket Export document with sideloaded users", () => {
    const doc = JSON.stringify({
      tickets: [{ id: 1, subject: "Hi", status: "open", requester_id: 7, created_at: "2025-01-01T00:00:00Z", comments: [{ id: 10, author_id: 7, body: "Hello", public: true, created_at: "2025-01-01T00:00:00Z" }] }],
      users: [{ id: 7, name: "Ada", email: "ada@example.com", role: "end-user" }],
      end_of_stream: true,
    });
    const b = parseZendeskExport({ tickets: { text: doc, file: "incremental.json" } });
    expect(b.customers.map((c) => c.key)).toEqual(["zendesk:user:7"]);
    expect(b.conversations.map((c) => [c.key, c.entries.length])).toEqual([["zendesk:ticket:1", 1]]);
  });

  it("refuses a bad JSON line by its number, and a ticket without its id", () => {
    const lines = readFileSync(path.join(DIR, "tickets.json"), "utf8").split("\n");
    lines.splice(2, 1, '{"id": 77, "subject": "broken');
    const bad = () => parseZendeskExport({ tickets: { text: lines.join("\n"), file: "tickets.json" }, users: file("users.json") });
    expect(bad).toThrow(ImportFormatError);
    expect(bad).toThrow(/^tickets\.json line 3: invalid JSON/);
    const noId = () => parseZendeskExport({ tickets: { text: '{"subject": "x", "created_at": "2025-01-01T00:00:00Z"}\n{"id": 2, "created_at": "2025-01-01T00:00:00Z"}', file: "tickets.json" } });
    expect(noId).toThrow(/^tickets\.json line 1: id: /);
    const badTime = () => parseZendeskExport({ tickets: { text: '{"id": 1, "created_at": "yesterday"}\n{"id": 2, "created_at": "2025-01-01T00:00:00Z"}', file: "tickets.json" } });
    expect(badTime).toThrow(/line 1: created_at: not a valid time/);
  });
});
