// The assistant with no provider configured: the local, deterministic
// summary (last purchase, open conversation, what went wrong, the promise,
// the open question, the last survey, the recent mood), each claim citing
// timeline items the agent may see; the suggested reply quotes the right
// article by full-text search; both labelled as the fallback and logged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import { listTimeline } from "@/server/timeline/query";
import { accessibleInboxIds } from "@/server/auth/viewer";
import { buildWorld, HIDDEN_TEXT, noProvider, type World } from "./world";

let t: TestDatabase;
let w: World;

beforeAll(async () => {
  noProvider();
  t = await useTestDatabase();
  w = await buildWorld();
});
afterAll(async () => {
  await disconnectDb();
  await t?.drop();
});

describe("assistant without a provider", () => {
  it("summarizes the customer from the scoped timeline, every claim citing a visible item", async () => {
    const s = await callerAs(w.agent).assistant.summary({ customerId: w.customerId, conversationId: w.conversationId });
    expect(s).toMatchObject({ source: "fallback", fallback: "no_provider", model: null, notice: "Local, no AI provider" });
    const by = (section: string) => s.claims.filter((c) => c.section === section);

    expect(by("purchase")).toEqual([expect.objectContaining({ text: "Last purchase 2026-11-01: Purchased Trail Runner shoes — $129.00" })]);
    expect(by("purchase")[0]!.refs.map((r) => r.eventId)).toEqual([w.events.purchase]);

    const open = by("open_conversations");
    expect(open).toHaveLength(1);
    expect(open[0]!.text).toMatch(/^#\d+ is open \(email\): “Order #1234 not delivered”$/);
    expect(open[0]!.refs.map((r) => r.eventId)).toContain(w.events.question);

    expect(by("problems")[0]!.refs[0]!.eventId).toBe(w.events.complaint);
    expect(by("problems")[0]!.text).toContain("hasn't arrived");
    expect(by("problems")[0]!.text).toContain("[frustrating]");

    expect(by("promises")).toEqual([expect.objectContaining({ text: "Ava Agent on 2026-11-10: “We'll send a replacement pair by Friday.”" })]);
    expect(by("promises")[0]!.refs[0]!.eventId).toBe(w.events.promise);

    expect(by("open_questions")).toHaveLength(1);
    expect(by("open_questions")[0]!.text).toContain("Can you send me the tracking number for the replacement?");
    expect(by("open_questions")[0]!.refs[0]!.eventId).toBe(w.events.question);

    expect(by("survey")).toEqual([expect.objectContaining({ text: "CSAT 2/5 on 2026-11-09: “slow delivery”" })]);
    expect(by("survey")[0]!.refs[0]!.eventId).toBe(w.events.survey);

    // Two scored customer messages the agent may see (−0.7 then 0.1, newest first 0.1): the hidden chat's score is not among them.
    expect(by("emotion")).toEqual([expect.objectContaining({ text: "Recent mood negative (average -0.30 over the last 2 scored messages, improving)" })]);
    expect(by("emotion")[0]!.refs.map((r) => r.eventId)).toEqual([w.events.question, w.events.complaint]);

    expect(by("conversation").map((c) => c.refs[0]!.eventId)).toEqual([w.events.complaint, w.events.question]);

    // Every cited item is one the agent's own timeline shows; nothing from the VIP inbox.
    const visible = new Set((await listTimeline({ customerId: w.customerId, inboxScope: await accessibleInboxIds(w.agent), limit: 200 })).items.map((i) => i.id));
    for (const c of s.claims) {
      expect(c.refs.length).toBeGreaterThan(0);
      for (const r of c.refs) expect(visible.has(r.eventId)).toBe(true);
    }
    expect(JSON.stringify(s)).not.toContain(HIDDEN_TEXT);

    const log = await db.assistantRequest.findFirstOrThrow({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(log).toMatchObject({ feature: "summary_conversation", source: "fallback", outcome: "ok", model: null, promptTokens: null });
  });

  it("suggests a template reply quoting the article full-text search ranks first", async () => {
    const r = await callerAs(w.agent).assistant.suggestReply({ conversationId: w.conversationId });
    expect(r).toMatchObject({ source: "fallback", fallback: "no_provider", cited: ["A1"], notice: "Local, no AI provider" });
    expect(r.articles[0]).toMatchObject({ ref: "A1", id: w.articles.tracking, title: "Tracking your order" });
    expect(r.articles[0]!.url).toMatch(/\/help\/tracking-your-order$/);
    expect(r.draft).toMatch(/^Hi Noor,/);
    expect(r.draft).toContain("“Tracking your order”");
    expect(r.draft).toContain("You find the tracking number in the shipping confirmation email and under Orders in your account.");
    expect(r.draft).toContain(r.articles[0]!.url);
    expect(await db.message.count({ where: { conversationId: w.conversationId, direction: "outbound" } })).toBe(1);
  });

  it("a customer with nothing to summarize gets an empty summary, not an error", async () => {
    const lone = await db.customer.create({ data: { name: "Lone" } });
    const s = await callerAs(w.admin).assistant.summary({ customerId: lone.id });
    expect(s).toMatchObject({ source: "fallback", claims: [] });
  });
});
