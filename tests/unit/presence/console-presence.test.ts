// The presence store (collision detection): entries by socket, looked up by
// conversation and by customer, collapsed to one line per agent.
import { describe, expect, it } from "vitest";
import { MemoryPresenceStore, toViewers, type PresenceEntry } from "@/server/presence/store";

const C1 = "00000000-0000-7000-8000-0000000000c1";
const CUST = "00000000-0000-7000-8000-00000000cu01";
function entry(socketId: string, userId: string, extra: Partial<PresenceEntry> = {}): PresenceEntry {
  return { socketId, userId, name: userId, customerId: CUST, conversationId: C1, conversationNumber: 1, conversationInboxId: "inbox-a", typing: false, since: Date.now(), ...extra };
}

describe("MemoryPresenceStore", () => {
  it("indexes by conversation and customer and moves an entry when its socket views something else", async () => {
    const s = new MemoryPresenceStore();
    await s.set(entry("s1", "maya"));
    await s.set(entry("s2", "sam", { conversationId: "other", conversationNumber: 2 }));
    expect((await s.byConversation(C1)).map((e) => e.userId)).toEqual(["maya"]);
    expect((await s.byCustomer(CUST)).map((e) => e.userId).sort()).toEqual(["maya", "sam"]);
    await s.set(entry("s1", "maya", { conversationId: "third", customerId: "someone-else" }));
    expect(await s.byConversation(C1)).toEqual([]);
    expect((await s.byCustomer(CUST)).map((e) => e.userId)).toEqual(["sam"]);
  });

  it("forgets a socket on remove (disconnect) and cleans its indexes", async () => {
    const s = new MemoryPresenceStore();
    await s.set(entry("s1", "maya"));
    const removed = await s.remove("s1");
    expect(removed?.userId).toBe("maya");
    expect(await s.byConversation(C1)).toEqual([]);
    expect(await s.byCustomer(CUST)).toEqual([]);
    expect(s.size()).toBe(0);
    expect(await s.remove("s1")).toBeUndefined();
  });
});

describe("toViewers", () => {
  it("collapses an agent's tabs into one viewer, typing if any tab types", () => {
    const v = toViewers([entry("a", "maya", { since: 1 }), entry("b", "maya", { since: 2, typing: true }), entry("c", "sam", { since: 3 })]);
    expect(v).toEqual([
      { userId: "maya", name: "maya", typing: true, conversationId: C1, conversationNumber: 1 },
      { userId: "sam", name: "sam", typing: false, conversationId: C1, conversationNumber: 1 },
    ]);
  });

  it("hides which conversation a colleague is in when the receiver may not see its inbox", () => {
    const v = toViewers([entry("a", "maya", { conversationInboxId: "billing" })], (inbox) => inbox !== "billing");
    expect(v[0]).toMatchObject({ userId: "maya", conversationId: null, conversationNumber: null });
  });
});
