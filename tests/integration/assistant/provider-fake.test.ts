// The assistant against a local fake server speaking the chat-completions
// format: the request carries the configured model, the customer's timeline
// lines, and nothing from an inbox the agent cannot see; claims map back to
// timeline events (claims citing unknown lines are dropped); the log holds
// the prompt, tokens and latency but never the key; a slow provider (past
// LLM_TIMEOUT_MS) and a failing one fall back to the local answer with the
// outcome logged; a switched-off feature is refused plainly.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { callerAs, outcomeOf } from "../../helpers/trpc";
import { db, disconnectDb } from "@/server/db";
import { buildWorld, HIDDEN_TEXT, noProvider, type World } from "./world";
import { lineNumberOf, startFakeLlm } from "./fake-llm";

let t: TestDatabase;
let w: World;
let llm: Awaited<ReturnType<typeof startFakeLlm>>;
const KEY = "sk-test-assistant-secret-000111";

beforeAll(async () => {
  t = await useTestDatabase();
  w = await buildWorld();
  llm = await startFakeLlm();
  process.env.LLM_BASE_URL = llm.baseUrl;
  process.env.LLM_MODEL = "fake-model-7b";
  process.env.LLM_API_KEY = KEY;
  process.env.LLM_TIMEOUT_MS = "1000";
});
afterAll(async () => {
  noProvider();
  await llm?.close();
  await disconnectDb();
  await t?.drop();
});
beforeEach(() => {
  llm.requests.length = 0;
});

const lastLog = () => db.assistantRequest.findFirstOrThrow({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });

describe("assistant with a provider", () => {
  it("sends the model and the scoped timeline, maps cited lines back to events, drops unknown citations, logs without the key", async () => {
    llm.set({
      kind: "answer",
      reply: (req) =>
        "```json\n" +
        JSON.stringify({
          claims: [
            { section: "problems", text: "Order #1234 has not arrived after 9 days.", cites: [lineNumberOf(req, "hasn't arrived")] },
            { section: "promises", text: "Ava promised a replacement by Friday.", cites: [lineNumberOf(req, "replacement pair by Friday")] },
            { section: "other", text: "An invented fact.", cites: [999] },
          ],
        }) +
        "\n```",
    });
    const s = await callerAs(w.agent).assistant.summary({ customerId: w.customerId, conversationId: w.conversationId });

    expect(llm.requests).toHaveLength(1);
    const req = llm.requests[0]!;
    expect(req.body.model).toBe("fake-model-7b");
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body.messages.map((m) => m.role)).toEqual(["system", "user"]);
    const user = req.body.messages[1]!.content;
    expect(user).toMatch(/^\[\d+\] 2026-11-10 email #\d+ customer: \[Order #1234 not delivered\] My order #1234 hasn't arrived/m);
    expect(user).toMatch(/\[\d+\] 2026-11-01 api product purchase: Purchased Trail Runner shoes/);
    expect(user).toMatch(/survey csat: Rated 2\/5/);
    const whole = JSON.stringify(req.body);
    expect(whole).not.toContain(HIDDEN_TEXT);
    expect(whole).not.toContain("VIP code");

    expect(s.source).toBe("llm");
    expect(s.model).toBe("fake-model-7b");
    expect(s.claims.map((c) => [c.section, c.refs.map((r) => r.eventId)])).toEqual([
      ["problems", [w.events.complaint]],
      ["promises", [w.events.promise]],
    ]);

    const log = await lastLog();
    expect(log).toMatchObject({ feature: "summary_conversation", source: "llm", model: "fake-model-7b", userId: w.agent.userId, customerId: w.customerId, conversationId: w.conversationId, promptTokens: 321, completionTokens: 45, outcome: "ok" });
    expect(log.prompt).toEqual(req.body.messages);
    const refs = log.contextRefs as { events: string[] };
    expect(refs.events).toEqual(expect.arrayContaining([w.events.purchase, w.events.complaint, w.events.promise, w.events.question, w.events.survey]));
    expect(refs.events).not.toContain(w.events.hidden);
    expect(JSON.stringify(log)).not.toContain(KEY);
  });

  it("an admin's summary (every inbox) does include the VIP chat", async () => {
    llm.set({ kind: "answer", reply: (req) => JSON.stringify({ claims: [{ section: "other", text: "Asked for a VIP upgrade.", cites: [lineNumberOf(req, "VIP code")] }] }) });
    const s = await callerAs(w.admin).assistant.summary({ customerId: w.customerId });
    expect(llm.requests[0]!.body.messages[1]!.content).toContain(HIDDEN_TEXT);
    expect(s.claims[0]!.refs[0]!.eventId).toBe(w.events.hidden);
  });

  it("suggests a reply grounded in the right article, citing it, and sends nothing", async () => {
    llm.set({ kind: "answer", reply: () => "Hi Noor, your tracking number is in the shipping confirmation email and under Orders [A1]." });
    const before = await db.message.count({ where: { conversationId: w.conversationId } });
    const r = await callerAs(w.agent).assistant.suggestReply({ conversationId: w.conversationId });
    const user = llm.requests[0]!.body.messages[1]!.content;
    expect(user).toContain("[A1] Tracking your order");
    expect(user).toContain("Can you send me the tracking number for the replacement?");
    expect(JSON.stringify(llm.requests[0]!.body)).not.toContain(HIDDEN_TEXT);
    expect(r).toMatchObject({ source: "llm", model: "fake-model-7b", cited: ["A1"] });
    expect(r.articles[0]!.id).toBe(w.articles.tracking);
    expect(r.draft).toContain("[A1]");
    expect(await db.message.count({ where: { conversationId: w.conversationId } })).toBe(before);
    expect(await lastLog()).toMatchObject({ feature: "reply", source: "llm", outcome: "ok" });
    expect(((await lastLog()).contextRefs as { articles: string[] }).articles[0]).toBe(w.articles.tracking);
  });

  it("a provider slower than LLM_TIMEOUT_MS: the local summary answers and the timeout is logged", async () => {
    llm.set({ kind: "slow", ms: 5000 });
    const s = await callerAs(w.agent).assistant.summary({ customerId: w.customerId, conversationId: w.conversationId });
    expect(s.source).toBe("fallback");
    expect(s.fallback).toBe("timeout");
    expect(s.notice).toMatch(/did not answer in time/);
    expect(s.claims.some((c) => c.section === "purchase")).toBe(true);
    const log = await lastLog();
    expect(log).toMatchObject({ feature: "summary_conversation", source: "fallback", outcome: "timeout", model: "fake-model-7b" });
    expect(log.error).toMatch(/1000 ms/);
  });

  it("a failing provider (500): the local template reply answers and the error is logged", async () => {
    llm.set({ kind: "fail", status: 500 });
    const r = await callerAs(w.agent).assistant.suggestReply({ conversationId: w.conversationId });
    expect(r.source).toBe("fallback");
    expect(r.fallback).toBe("error");
    expect(r.notice).toMatch(/failed/);
    expect(r.draft).toContain("Tracking your order");
    expect(llm.requests).toHaveLength(1); // no retry storm
    expect(await lastLog()).toMatchObject({ feature: "reply", source: "fallback", outcome: "error" });
  });

  it("a provider answering something other than the JSON asked for: the local summary answers", async () => {
    llm.set({ kind: "answer", reply: () => "Sure! Here is a summary: the customer is unhappy." });
    const s = await callerAs(w.agent).assistant.summary({ customerId: w.customerId });
    expect(s.source).toBe("fallback");
    expect(await lastLog()).toMatchObject({ feature: "summary_customer", outcome: "error", response: "Sure! Here is a summary: the customer is unhappy." });
  });

  it("a switched-off feature is refused plainly and logged; only admins change the switches", async () => {
    expect(await outcomeOf(callerAs(w.agent).assistant.updateSettings({ summaryEnabled: false }))).toBe("FORBIDDEN");
    await callerAs(w.admin).assistant.updateSettings({ summaryEnabled: false });
    expect(await outcomeOf(callerAs(w.agent).assistant.summary({ customerId: w.customerId }), true)).toBe("FORBIDDEN: The assistant's summary is switched off (Settings → Assistant).");
    expect(llm.requests).toHaveLength(0);
    expect(await lastLog()).toMatchObject({ feature: "summary_customer", outcome: "disabled" });
    expect(await db.auditLog.count({ where: { action: "assistant.settings_updated" } })).toBe(1);
    await callerAs(w.admin).assistant.updateSettings({ summaryEnabled: true });
    expect((await callerAs(w.admin).assistant.settings()).switches.summaryEnabled).toBe(true);
  });

  it("an agent cannot ask about a conversation in an inbox they cannot see", async () => {
    expect(await outcomeOf(callerAs(w.agent).assistant.suggestReply({ conversationId: w.hiddenConversationId }))).toBe("NOT_FOUND");
    expect(await outcomeOf(callerAs(w.agent).assistant.summary({ customerId: w.customerId, conversationId: w.hiddenConversationId }))).toBe("NOT_FOUND");
    expect(llm.requests).toHaveLength(0);
  });

  it("the settings page shows the model, never the key", async () => {
    const s = await callerAs(w.admin).assistant.settings();
    expect(s.provider).toMatchObject({ configured: true, model: "fake-model-7b", timeoutMs: 1000 });
    expect(JSON.stringify(s)).not.toContain(KEY);
    const log = await callerAs(w.admin).assistant.requests({ limit: 5 });
    expect(log.length).toBeGreaterThan(0);
    expect(JSON.stringify(log)).not.toContain(KEY);
  });
});
