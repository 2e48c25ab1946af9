// POST /api/v1/identify: finds or creates the customer by identity, sets the
// name, merges attributes (null removes), links new identities, reports an
// identity that belongs to someone else without merging, and refuses bad
// input with nothing stored. In-process through the lean HTTP layer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { captureBus } from "../../helpers/touchpoints";
import { db, disconnectDb } from "@/server/db";
import { createApiKey } from "@/server/api-keys/keys";
import { buildApiApp } from "@/server/http/app";

const app = buildApiApp();
let t: TestDatabase;
let writeKey: string;
let readKey: string;

beforeAll(async () => {
  t = await useTestDatabase();
  writeKey = (await createApiKey({ name: "identify", scopes: ["events:write"] })).key;
  readKey = (await createApiKey({ name: "read", scopes: ["customers:read"] })).key;
});
afterAll(async () => {
  await disconnectDb();
  await t?.drop();
});

const identify = (body: unknown, key = writeKey) =>
  app.fetch(new Request("http://localhost/api/v1/identify", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) }));

describe("POST /api/v1/identify", () => {
  it("creates an unknown customer (201), then updates the same one (200): name, merged attributes, a new identity", async () => {
    const cap = captureBus();
    const first = await identify({ customer: { email: "Ada@Example.com", name: "Ada" }, attributes: { plan: "Pro", seats: 3, beta: true } });
    expect(first.status).toBe(201);
    const a = (await first.json()) as { customer: { id: string; name: string; attributes: Record<string, unknown>; identities: { kind: string; value: string }[] }; created: boolean };
    expect(a.created).toBe(true);
    expect(a.customer).toMatchObject({ name: "Ada", attributes: { plan: "Pro", seats: 3, beta: true } });
    expect(a.customer.identities).toEqual([expect.objectContaining({ kind: "email", value: "ada@example.com", verified: true })]);
    expect(cap.seen.filter((e) => e.type === "customer.created")).toEqual([{ type: "customer.created", customerId: a.customer.id }]);

    const second = await identify({ customer: { email: "ada@example.com", externalId: "usr_42", name: "Ada Lovelace" }, attributes: { plan: "Business", beta: null } });
    expect(second.status).toBe(200);
    const b = (await second.json()) as typeof a;
    cap.off();
    expect(b.customer.id).toBe(a.customer.id);
    expect(b.customer.name).toBe("Ada Lovelace");
    expect(b.customer.attributes).toEqual({ plan: "Business", seats: 3 });
    expect(b.customer.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(["email:ada@example.com", "external_id:usr_42"]);
    expect(cap.seen.filter((e) => e.type === "customer.created")).toHaveLength(1);
    expect(cap.seen.some((e) => e.type === "customer.updated" && e.customerId === a.customer.id)).toBe(true);

    // The same call again changes nothing.
    const cap2 = captureBus();
    expect((await identify({ customer: { externalId: "usr_42", name: "Ada Lovelace" }, attributes: { plan: "Business" } })).status).toBe(200);
    cap2.off();
    expect(cap2.seen.filter((e) => e.type === "customer.updated")).toEqual([]);
  });

  it("reports an identity that belongs to another customer as a possible duplicate, never merging", async () => {
    const grace = (await (await identify({ customer: { email: "grace@example.com" } })).json()) as { customer: { id: string } };
    const other = (await (await identify({ customer: { externalId: "usr_7" } })).json()) as { customer: { id: string } };
    const res = await identify({ customer: { externalId: "usr_7", email: "grace@example.com" } });
    const body = (await res.json()) as { customer: { id: string }; possibleDuplicates: string[] };
    expect([grace.customer.id, other.customer.id]).toContain(body.customer.id);
    expect(body.possibleDuplicates).toHaveLength(1);
    expect(await db.customer.count({ where: { id: { in: [grace.customer.id, other.customer.id] }, mergedIntoId: null } })).toBe(2);
  });

  it("refuses bad input with a clear message and stores nothing; needs the events:write scope", async () => {
    const before = await db.customer.count();
    const cases: [unknown, RegExp][] = [
      [{ customer: { name: "Nobody" } }, /needs at least one of email, externalId, phone/],
      [{ customer: { email: "not-an-email" } }, /customer\.email/],
      [{ customer: { email: "x@example.com" }, attributes: { "bad key!": 1 } }, /is not an attribute name/],
      [{ customer: { email: "x@example.com" }, attributes: { nested: { a: 1 } } }, /attributes/],
      [{ customer: { email: "x@example.com" }, attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, /at most 50 attributes/],
    ];
    for (const [body, message] of cases) {
      const res = await identify(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
    expect(await db.customer.count()).toBe(before);
    expect((await identify({ customer: { email: "x@example.com" } }, readKey)).status).toBe(403);
  });
});
