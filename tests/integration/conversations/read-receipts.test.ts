// Read receipts: opening a conversation marks the customer's messages read and
// tells the bus (the widget turns that into "Read" for the visitor); agents of
// other teams cannot mark what they cannot see.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { disconnectDb } from "@/server/db";
import { bus, type DomainEvent } from "@/server/events/bus";
import { recordTouchpoint } from "@/server/ingest/record";
import { createCaller } from "@/server/api/root";

let t: TestDatabase;
beforeAll(async () => {
  t = await useTestDatabase();
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("read receipts", () => {
  it("marks inbound messages read once, publishes message.status, and respects inbox scope", async () => {
    const inbox = await t.prisma.inbox.create({ data: { name: "Widget", channel: "chat", publicId: "rr-widget" } });
    const team = await t.prisma.team.create({ data: { name: "Chat" } });
    const other = await t.prisma.team.create({ data: { name: "Elsewhere" } });
    await t.prisma.teamInbox.create({ data: { teamId: team.id, inboxId: inbox.id } });
    const agent = await t.prisma.user.create({ data: { email: "a@rr.test", name: "Ana", passwordHash: "x", role: "agent" } });
    const outsider = await t.prisma.user.create({ data: { email: "o@rr.test", name: "Otto", passwordHash: "x", role: "agent" } });
    const msg = (k: string) =>
      recordTouchpoint({
        identities: [{ kind: "widget_visitor", value: "v_rr", verified: true, source: "widget" }],
        channel: "chat",
        kind: "message",
        actor: "customer",
        text: `hello ${k}`,
        conversation: { inboxId: inbox.id, externalThreadKey: "v_rr" },
        message: { direction: "inbound", bodyText: `hello ${k}`, platformMessageId: `rr-${k}` },
      });
    const first = await msg("1");
    await msg("2");
    const conversationId = first.conversationId!;

    const seen: DomainEvent[] = [];
    const off = bus.on((e) => void (e.type === "message.status" && seen.push(e)));
    const outsiderCaller = createCaller({ viewer: { userId: outsider.id, role: "agent", teamIds: [other.id] } });
    await expect(outsiderCaller.conversation.markRead({ id: conversationId })).rejects.toMatchObject({ code: "NOT_FOUND" } satisfies Partial<TRPCError>);
    expect(await t.prisma.message.count({ where: { conversationId, readAt: { not: null } } })).toBe(0);

    const caller = createCaller({ viewer: { userId: agent.id, role: "agent", teamIds: [team.id] } });
    expect(await caller.conversation.markRead({ id: conversationId })).toEqual({ marked: 2 });
    expect(await caller.conversation.markRead({ id: conversationId })).toEqual({ marked: 0 });
    off();
    expect(await t.prisma.message.count({ where: { conversationId, readAt: { not: null } } })).toBe(2);
    expect(seen).toHaveLength(2);
    expect(seen.every((e) => e.type === "message.status" && e.status === "read" && e.conversationId === conversationId)).toBe(true);
  });
});
