// CSAT after resolution: a signed, expiring link sent on the conversation's
// channel; one answer recorded (a second and an expired one refused); the
// answer lands on the timeline and in the metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { bus } from "@/server/events/bus";
import { recordTouchpoint } from "@/server/ingest/record";
import { answerSurvey, createSurvey, sendCsatForResolution, sendSurvey, startSurveyListener, surveyForPage, SurveyError } from "@/server/surveys/service";
import { getSurveySettings, updateSurveySettings } from "@/server/surveys/settings";
import { sendReply } from "@/server/conversations/reply";
import { callerAs, outcomeOf, viewerByEmail } from "../../helpers/trpc";
import { signSurveyToken, verifySurveyToken } from "@/server/surveys/token";
import { lastDays, metricsReport } from "@/server/metrics/metrics";

let t: TestDatabase;
let inboxId: string;
let agentId: string;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-nextauth-secret-0123456789";
  process.env.PUBLIC_URL = "https://help.example.test";
  t = await useTestDatabase();
  inboxId = (await db.inbox.create({ data: { name: "Email", channel: "email", publicId: "csat@example.test" } })).id;
  agentId = (await db.user.create({ data: { email: "a@example.test", name: "Agent Smith", passwordHash: "x", role: "agent" } })).id;
  await db.user.create({ data: { email: "admin@example.test", name: "Admin", passwordHash: "x", role: "admin" } });
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

let n = 0;
async function conversation() {
  n++;
  const r = await recordTouchpoint({
    identities: [{ kind: "email", value: `cust${n}@example.test`, verified: true, source: "test" }],
    customerName: `Customer ${n}`,
    channel: "email",
    kind: "message",
    actor: "customer",
    text: "Help please",
    conversation: { inboxId, externalThreadKey: `<s${n}@x>`, subject: "Help" },
    message: { direction: "inbound", bodyText: "Help please", platformMessageId: `<s${n}@x>` },
  });
  await db.conversation.update({ where: { id: r.conversationId! }, data: { assigneeId: agentId } });
  return { conversationId: r.conversationId!, customerId: r.customerId };
}

/** An agent answers the customer (what makes a CSAT worth asking for). */
async function agentReplies(conversationId: string) {
  await sendReply({ conversationId, authorId: agentId, bodyText: "Sorted — you should see it now." });
}

async function resolve(conversationId: string) {
  const c = await db.conversation.update({ where: { id: conversationId }, data: { status: "resolved", resolvedAt: new Date() } });
  bus.publish({ type: "conversation.updated", conversationId, customerId: c.customerId, inboxId, changes: { status: "resolved" } });
}

describe("CSAT", () => {
  it("is sent on resolution as a signed link on the conversation's channel, once", async () => {
    const off = startSurveyListener();
    try {
      const { conversationId } = await conversation();
      await agentReplies(conversationId);
      await resolve(conversationId);
      await expect.poll(() => db.survey.count({ where: { conversationId } })).toBe(1);
      // A second resolved event (another process, a redelivery) sends nothing more.
      await resolve(conversationId);
      await new Promise((r) => setTimeout(r, 300));
      expect(await db.survey.count({ where: { conversationId } })).toBe(1);
      const s = await db.survey.findFirstOrThrow({ where: { conversationId } });
      expect(s.kind).toBe("csat");
      expect(s.channel).toBe("email");
      expect(s.expiresAt.getTime() - s.sentAt.getTime()).toBe(7 * 86_400_000);
      expect(verifySurveyToken(s.token)).toMatchObject({ ok: true, surveyId: s.id, expired: false });
      await expect.poll(() => db.message.count({ where: { conversationId, direction: "outbound" } })).toBe(2);
      const msg = await db.message.findFirstOrThrow({ where: { conversationId, direction: "outbound" }, orderBy: { createdAt: "desc" }, include: { outbox: true } });
      expect(msg.bodyText).toContain(`https://help.example.test/survey/${s.token}`);
      expect(msg.authorId).toBe(agentId);
      expect(msg.outbox?.channel).toBe("email");
    } finally {
      off();
    }
  });

  it("is not sent for a conversation nobody answered (notes, auto-replies and earlier survey links are no answer)", async () => {
    expect((await getSurveySettings()).csatRequiresAgentReply).toBe(true);
    const { conversationId } = await conversation();
    await sendReply({ conversationId, authorId: agentId, bodyText: "Looks like spam.", isNote: true });
    await sendSurvey({ kind: "nps", conversationId });
    await db.message.create({ data: { conversationId, inboxId, direction: "outbound", isAutoReply: true, bodyText: "We got your message.", deliveryStatus: "sent" } });
    await db.conversation.update({ where: { id: conversationId }, data: { status: "resolved", resolvedAt: new Date() } });
    expect(await sendCsatForResolution(conversationId)).toBeNull();
    expect(await db.survey.count({ where: { conversationId, kind: "csat" } })).toBe(0);
  });

  it("is sent for a resolved conversation an agent replied to", async () => {
    const { conversationId } = await conversation();
    await agentReplies(conversationId);
    await db.conversation.update({ where: { id: conversationId }, data: { status: "resolved", resolvedAt: new Date() } });
    const sent = await sendCsatForResolution(conversationId);
    expect(sent).not.toBeNull();
    expect(await db.survey.count({ where: { conversationId, kind: "csat" } })).toBe(1);
  });

  it("with “only when an agent replied” off (Settings → Surveys, admins), every resolved conversation gets one again", async () => {
    const admin = callerAs(await viewerByEmail("admin@example.test"));
    const agent = callerAs(await viewerByEmail("a@example.test"));
    expect(await outcomeOf(agent.surveys.updateSettings({ csatRequiresAgentReply: false }))).toBe("FORBIDDEN");
    expect(await admin.surveys.settings()).toEqual({ csatRequiresAgentReply: true });
    try {
      expect(await admin.surveys.updateSettings({ csatRequiresAgentReply: false })).toEqual({ csatRequiresAgentReply: false });
      const { conversationId } = await conversation();
      await db.conversation.update({ where: { id: conversationId }, data: { status: "resolved", resolvedAt: new Date() } });
      expect(await sendCsatForResolution(conversationId)).not.toBeNull();
      expect(await db.survey.count({ where: { conversationId, kind: "csat" } })).toBe(1);
      const audit = await db.auditLog.findFirstOrThrow({ where: { action: "survey_settings.updated" }, orderBy: { createdAt: "desc" } });
      expect(audit.data).toEqual({ csatRequiresAgentReply: { from: true, to: false } });
    } finally {
      await updateSurveySettings({ csatRequiresAgentReply: true }, null);
    }
  });

  it("records one answer, refuses a second, and puts it on the timeline and in the metrics", async () => {
    const { conversationId, customerId } = await conversation();
    const sent = await sendSurvey({ kind: "csat", conversationId });
    const token = sent.url.split("/survey/")[1]!;
    expect((await surveyForPage(token)).status).toBe("open");
    await expect(answerSurvey(token, { score: 6 })).rejects.toMatchObject({ code: "out_of_range" });
    const a = await answerSurvey(token, { score: 5, comment: "  Quick and kind!  " });
    expect(a).toMatchObject({ kind: "csat", score: 5 });
    await expect(answerSurvey(token, { score: 1 })).rejects.toMatchObject({ code: "already_answered" });
    expect(await db.surveyResponse.count({ where: { surveyId: sent.surveyId } })).toBe(1);
    expect((await db.surveyResponse.findFirstOrThrow({ where: { surveyId: sent.surveyId } })).score).toBe(5);
    const page = await surveyForPage(token);
    expect(page).toMatchObject({ status: "answered", response: { score: 5, comment: "Quick and kind!" } });
    const ev = await db.timelineEvent.findFirstOrThrow({ where: { customerId, kind: "survey_response" } });
    expect(ev.text).toBe("Rated CSAT 5/5: Quick and kind!");
    expect(ev.conversationId).toBe(conversationId);
    expect(ev.actor).toBe("customer");
    expect(ev.payload).toMatchObject({ surveyId: sent.surveyId, kind: "csat", score: 5, max: 5 });
    const m = await metricsReport(lastDays(1));
    expect(m.summary.csat).toEqual({ score: 100, responses: 1 });
  });

  it("refuses an expired link and a forged one", async () => {
    const { conversationId, customerId } = await conversation();
    const old = await createSurvey({ kind: "csat", customerId, conversationId, channel: "email", now: new Date(Date.now() - 8 * 86_400_000) });
    expect((await surveyForPage(old.token)).status).toBe("expired");
    await expect(answerSurvey(old.token, { score: 4 })).rejects.toMatchObject({ code: "expired" });
    expect(await db.surveyResponse.count({ where: { surveyId: old.id } })).toBe(0);
    // A token signed for a later expiry by someone without the secret does not verify.
    const forged = `${old.id}.${Math.floor(Date.now() / 1000 + 86_400).toString(36)}.${"A".repeat(32)}`;
    await expect(answerSurvey(forged, { score: 4 })).rejects.toBeInstanceOf(SurveyError);
    expect(verifySurveyToken(forged)).toEqual({ ok: false });
    // Even a correctly signed token must match the stored one.
    const resigned = signSurveyToken(old.id, new Date(Date.now() + 86_400_000));
    await expect(answerSurvey(resigned, { score: 4 })).rejects.toMatchObject({ code: "invalid" });
  });

  it("NPS and CES use their own scales", async () => {
    const { conversationId } = await conversation();
    const nps = await sendSurvey({ kind: "nps", conversationId });
    const ces = await sendSurvey({ kind: "ces", conversationId });
    await answerSurvey(nps.url.split("/survey/")[1]!, { score: 0 });
    await expect(answerSurvey(ces.url.split("/survey/")[1]!, { score: 0 })).rejects.toMatchObject({ code: "out_of_range" });
    await answerSurvey(ces.url.split("/survey/")[1]!, { score: 7 });
    const texts = (await db.timelineEvent.findMany({ where: { conversationId, kind: "survey_response" }, orderBy: { occurredAt: "asc" } })).map((e) => e.text);
    expect(texts).toEqual(["Rated NPS 0/10", "Rated CES 7/7"]);
  });
});
