import { describe, expect, it } from "vitest";
import { compare, conditionsHold, readField, renderTemplate, triggerMatches, type RuleContext } from "@/server/rules/conditions";
import { causeOf } from "@/server/rules/engine";
import { ruleInputSchema } from "@/server/rules/schema";

const ctx: RuleContext = {
  event: { id: "e1", kind: "product_event", name: "purchase", channel: "api", actor: "customer", text: "Purchased Pro plan — 600.00 USD", payload: { amount: 600, plan: "Pro", items: ["a", "b"] }, occurredAt: "2026-01-01T00:00:00Z" },
  customer: { id: "c1", name: "Ada Lovelace", firstName: "Ada", attributes: { plan: "Pro", seats: "12" }, journeyStage: "purchase", lifetimeValue: 600, friction: 35 },
  conversation: { id: "v1", number: 42, status: "open", priority: "high", tags: ["billing"], assigneeId: null, teamId: null, channel: "email", inboxId: "i1", subject: "Invoice", waitingMinutes: 75 },
  rule: { id: "r1", name: "VIP purchase" },
};

describe("rule conditions", () => {
  it("matches triggers on kind, name, channel and actor", () => {
    expect(triggerMatches({ kind: "product_event", name: "Purchase" }, ctx.event!)).toBe(true);
    expect(triggerMatches({ kind: "message" }, ctx.event!)).toBe(false);
    expect(triggerMatches({ channel: "email" }, ctx.event!)).toBe(false);
    expect(triggerMatches({}, ctx.event!)).toBe(true);
  });
  it("reads payload, customer, stage, friction and ticket fields", () => {
    expect(readField(ctx, "payload.amount")).toBe(600);
    expect(readField(ctx, "customer.attributes.plan")).toBe("Pro");
    expect(readField(ctx, "stage")).toBe("purchase");
    expect(readField(ctx, "customer.stage")).toBe("purchase");
    expect(readField(ctx, "friction")).toBe(35);
    expect(readField(ctx, "priority")).toBe("high");
    expect(readField(ctx, "conversation.number")).toBe(42);
    expect(readField(ctx, "name")).toBe("purchase");
    expect(readField(ctx, "payload.missing.deep")).toBeUndefined();
  });
  it("compares with gt/lt/eq/contains/in/exists", () => {
    expect(compare(600, "gt", 500)).toBe(true);
    expect(compare("600", "gt", "500")).toBe(true);
    expect(compare(500, "gt", 500)).toBe(false);
    expect(compare(500, "gte", 500)).toBe(true);
    expect(compare(undefined, "lt", 5)).toBe(false);
    expect(compare("Pro", "eq", "pro")).toBe(true);
    expect(compare(["billing"], "contains", "billing")).toBe(true);
    expect(compare("Purchased Pro", "contains", "pro")).toBe(true);
    expect(compare("high", "in", ["high", "urgent"])).toBe(true);
    expect(compare("low", "in", "high, urgent")).toBe(false);
    expect(compare(null, "exists", true)).toBe(false);
    expect(compare("x", "exists", undefined)).toBe(true);
    expect(compare(undefined, "exists", false)).toBe(true);
    expect(conditionsHold(ctx, [{ field: "payload.amount", op: "gt", value: 500 }, { field: "customer.attributes.seats", op: "gte", value: 10 }])).toBe(true);
    expect(conditionsHold(ctx, [{ field: "payload.amount", op: "gt", value: 500 }, { field: "priority", op: "eq", value: "low" }])).toBe(false);
  });
  it("fills templates", () => {
    expect(renderTemplate("Hi {{customer.firstName}}, thanks for buying {{payload.plan}} (${{payload.amount}}) — #{{conversation.number}} {{rule.name}} {{nope}}", ctx)).toBe(
      "Hi Ada, thanks for buying Pro ($600) — #42 VIP purchase ",
    );
  });
  it("recognises events caused by a rule", () => {
    expect(causeOf({ causedByRule: "r1", ruleDepth: 2 }, null)).toEqual({ ruleId: "r1", depth: 2 });
    expect(causeOf({}, "reply:0190a0a0-0000-7000-8000-000000000000:rule:0190a0a0-0000-7000-8000-000000000001:1:evt:0")).toEqual({ ruleId: "0190a0a0-0000-7000-8000-000000000001", depth: 1 });
    expect(causeOf({}, "msg:x:y")).toEqual({ ruleId: null, depth: 0 });
  });
  it("validates rule definitions", () => {
    expect(ruleInputSchema.safeParse({ name: "x", trigger: { kind: "product_event", name: "purchase" }, actions: [{ type: "add_tags", tags: ["vip"] }] }).success).toBe(true);
    expect(ruleInputSchema.safeParse({ name: "x", trigger: { timer: "no_reply", minutes: 60 }, actions: [{ type: "notify", role: "supervisor" }] }).success).toBe(true);
    expect(ruleInputSchema.safeParse({ name: "x", trigger: {}, actions: [{ type: "webhook", url: "ftp://x" }] }).success).toBe(false);
    expect(ruleInputSchema.safeParse({ name: "x", trigger: {}, actions: [] }).success).toBe(false);
  });
});
