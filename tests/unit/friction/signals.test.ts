import { describe, expect, it } from "vitest";
import { conversationSignals, longestWaitMinutes, sameIssue, type ConvFacts, type CustomerData } from "@/server/friction/score";

const H = 3_600_000;
const t0 = Date.parse("2026-02-02T10:00:00Z");
const conv = (over: Partial<ConvFacts>): ConvFacts => ({
  id: "c",
  customerId: "x",
  number: 1,
  channel: "email",
  status: "resolved",
  createdAt: new Date(t0),
  firstResponseAt: new Date(t0 + 10 * 60_000),
  waitingSince: null,
  reopenCount: 0,
  tags: [],
  subject: null,
  ...over,
});

describe("friction signals", () => {
  it("tells same issues by tag or subject", () => {
    expect(sameIssue(conv({ tags: ["billing", "vip"] }), conv({ tags: ["billing"] }))).toBe(true);
    expect(sameIssue(conv({ tags: ["vip"], subject: "Re: Invoice missing [#12]" }), conv({ tags: ["bug"], subject: "invoice missing" }))).toBe(true);
    expect(sameIssue(conv({ tags: ["billing"] }), conv({ tags: ["bug"] }))).toBe(false);
  });
  it("measures waits", () => {
    const now = new Date(t0 + 5 * H);
    expect(longestWaitMinutes(conv({}), now)).toBe(10);
    expect(longestWaitMinutes(conv({ status: "open", firstResponseAt: null }), now)).toBe(300);
  });
  it("scores each documented signal", () => {
    const a = conv({ id: "a", number: 1, channel: "email", tags: ["billing"] });
    const b = conv({
      id: "b",
      number: 2,
      channel: "chat",
      tags: ["billing"],
      createdAt: new Date(t0 + 2 * 24 * H),
      firstResponseAt: new Date(t0 + 2 * 24 * H + 2.5 * H),
      reopenCount: 1,
    });
    const data: CustomerData = { conversations: [a, b], handoffs: new Map([["b", [new Date(t0 + 49 * H)]]]), reopens: new Map(), articleViews: [new Date(t0 + 2 * 24 * H - 20 * 60_000)], negativeTurns: new Map([["b", [new Date(t0 + 2 * 24 * H + 3 * H)]]]) };
    const s = conversationSignals(b, data, new Date(t0 + 3 * 24 * H));
    expect(Object.fromEntries(s.map((x) => [x.kind, [x.count, x.points]]))).toEqual({
      wait: [1, 10],
      repeat_contact: [1, 15],
      handoff: [1, 10],
      channel_switch: [1, 10],
      reopen: [1, 15],
      failed_self_service: [1, 15],
      negative_turn: [1, 15],
    });
    expect(conversationSignals(a, data, new Date(t0 + 3 * 24 * H))).toEqual([]);
  });
});
