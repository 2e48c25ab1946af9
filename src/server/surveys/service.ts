// Surveys: CSAT after a resolution, NPS by rule, CES after self-service.
//
// A survey is a row with a signed, expiring link (./token.ts), sent as a
// message on a conversation of the customer through sendReply (so it is on
// the timeline and goes out on that conversation's channel). The public page
// /survey/<token> records exactly one answer (SurveyResponse.surveyId is
// unique); the answer becomes a `survey_response` touchpoint through
// recordTouchpoint ("Rated CSAT 5/5: great") and counts in the metrics.
import { db } from "@/server/db";
import type { ChannelKind, SurveyKind } from "@/generated/prisma/enums";
import { bus, type DomainEvent } from "@/server/events/bus";
import { sendReply } from "@/server/conversations/reply";
import { recordTouchpoint } from "@/server/ingest/record";
import { isUuid, uuidv7 } from "@/server/db/ids";
import { isUniqueViolation, runTransaction, type Tx } from "@/server/db/tx";
import { signSurveyToken, surveyUrl, verifySurveyToken, SURVEY_TTL_MS } from "./token";
import { getSurveySettings } from "./settings";
import { SURVEY_KINDS } from "@/lib/vocabulary";
import { DomainError, type DomainErrorCategory } from "@/server/lib/domain-error";

export const SURVEY_SCALES: Record<SurveyKind, { min: number; max: number; label: string; question: string; low: string; high: string }> = {
  csat: { min: 1, max: 5, label: "CSAT", question: "How satisfied are you with the help you received?", low: "Very unsatisfied", high: "Very satisfied" },
  nps: { min: 0, max: 10, label: "NPS", question: "How likely are you to recommend us to a friend or colleague?", low: "Not at all likely", high: "Extremely likely" },
  ces: { min: 1, max: 7, label: "CES", question: "How easy was it to get what you needed?", low: "Very difficult", high: "Very easy" },
};

const DAY = 24 * 60 * 60 * 1000;
/** No second CSAT for the same conversation within this time (resolve → reopen → resolve). */
const CSAT_COOLDOWN_MS = DAY;
/** At most one CES per customer in this time. */
const CES_COOLDOWN_MS = 7 * DAY;
/** CES goes to a conversation that was active this recently. */
const CES_CONVERSATION_WINDOW_MS = DAY;
const NO_SURVEY_CHANNELS = new Set<ChannelKind>(["api", "system"]);

export type SurveyErrorCode = "invalid" | "expired" | "already_answered" | "out_of_range" | "not_found" | "no_conversation";

// A bad link is 404, an answered one 409, an expired one 410 (the answer endpoint's contract);
// "not_found" is sendSurvey's "no user can send it": a request that cannot be done, not an unknown id.
const SURVEY_ERROR_CATEGORY: Record<SurveyErrorCode, DomainErrorCategory> = {
  invalid: "not_found",
  not_found: "invalid_input",
  already_answered: "conflict",
  expired: "gone",
  out_of_range: "invalid_input",
  no_conversation: "invalid_input",
};

export class SurveyError extends DomainError {
  constructor(
    public code: SurveyErrorCode,
    message: string,
  ) {
    super(message, SURVEY_ERROR_CATEGORY[code]);
  }
}

export function surveyMessage(kind: SurveyKind, url: string, conversationNumber?: number | null): string {
  switch (kind) {
    case "csat":
      return `How did we do${conversationNumber ? ` with ticket #${conversationNumber}` : ""}? Please rate the help you received from 1 to 5 — it takes ten seconds: ${url}`;
    case "nps":
      return `Quick question: how likely are you to recommend us to a friend or colleague (0–10)? ${url}`;
    case "ces":
      return `Was it easy to get what you needed? Tell us in one click (1–7): ${url}`;
  }
}

/** Who "sends" an automatic message: the assignee, else the first admin, else any active agent. */
export async function systemAuthorFor(conversationId: string | null): Promise<string | null> {
  if (conversationId) {
    const conv = await db.conversation.findUnique({ where: { id: conversationId }, select: { assignee: { select: { id: true, deactivatedAt: true } } } });
    if (conv?.assignee && !conv.assignee.deactivatedAt) return conv.assignee.id;
  }
  for (const role of ["admin", "supervisor", "agent"] as const) {
    const u = await db.user.findFirst({ where: { role, deactivatedAt: null }, orderBy: { createdAt: "asc" }, select: { id: true } });
    if (u) return u.id;
  }
  return null;
}

/** A new survey's id, link token and validity (7 days from `now`). */
function newSurveyId(now = new Date()) {
  const id = uuidv7();
  const expiresAt = new Date(now.getTime() + SURVEY_TTL_MS);
  return { id, token: signSurveyToken(id, expiresAt), expiresAt, sentAt: now };
}

export async function createSurvey(input: { kind: SurveyKind; customerId: string; conversationId?: string | null; channel: ChannelKind; now?: Date }) {
  const { id, token, expiresAt, sentAt } = newSurveyId(input.now);
  await db.survey.create({
    data: { id, kind: input.kind, customerId: input.customerId, conversationId: input.conversationId ?? null, channel: input.channel, token, expiresAt, sentAt },
  });
  return { id, token, url: surveyUrl(token), expiresAt };
}

export type SendSurveyInput = {
  kind: SurveyKind;
  customerId?: string;
  /** Deliver on this conversation; without one, on the customer's most recent conversation. */
  conversationId?: string | null;
  authorId?: string | null;
  /** sendReply idempotency key (rules pass theirs so loops can be recognised). */
  clientMessageId?: string;
};

export type SendSurveyResult = { surveyId: string; url: string; conversationId: string; messageId: string | null };

/** Creates a survey and sends its link as a message on a conversation of the customer. */
export async function sendSurvey(input: SendSurveyInput): Promise<SendSurveyResult> {
  let conv: { id: string; customerId: string; channel: ChannelKind; number: number } | null = null;
  if (input.conversationId && isUuid(input.conversationId)) {
    conv = await db.conversation.findUnique({ where: { id: input.conversationId }, select: { id: true, customerId: true, channel: true, number: true } });
  } else if (input.customerId && isUuid(input.customerId)) {
    conv = await db.conversation.findFirst({
      where: { customerId: input.customerId, channel: { notIn: ["api", "system"] } },
      orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
      select: { id: true, customerId: true, channel: true, number: true },
    });
  }
  if (!conv || NO_SURVEY_CHANNELS.has(conv.channel)) throw new SurveyError("no_conversation", "The customer has no conversation to send the survey on.");
  const survey = await createSurvey({ kind: input.kind, customerId: conv.customerId, conversationId: conv.id, channel: conv.channel });
  const authorId = input.authorId ?? (await systemAuthorFor(conv.id));
  if (!authorId) throw new SurveyError("not_found", "No user can send the survey.");
  const reply = await sendReply({
    conversationId: conv.id,
    authorId,
    bodyText: surveyMessage(input.kind, survey.url, conv.number),
    subject: input.kind === "csat" ? null : "A quick question",
    clientMessageId: input.clientMessageId ?? `survey:${survey.id}`,
  });
  return { surveyId: survey.id, url: survey.url, conversationId: conv.id, messageId: reply.messageId };
}

/**
 * Whether an agent answered the customer on this conversation: a sent (not internal)
 * message by a person, not an auto-reply and not one of our own survey links.
 */
async function hasAgentReply(tx: Pick<Tx, "message">, conversationId: string): Promise<boolean> {
  const reply = await tx.message.findFirst({
    where: {
      conversationId,
      direction: "outbound",
      isNote: false,
      isAutoReply: false,
      authorId: { not: null },
      deletedAt: null,
      NOT: { event: { is: { dedupeKey: { startsWith: `reply:${conversationId}:survey:` } } } },
    },
    select: { id: true },
  });
  return reply !== null;
}

/** CSAT when a conversation is resolved: once per resolution (cooldown 24 h), safe across processes. */
export async function sendCsatForResolution(conversationId: string): Promise<SendSurveyResult | null> {
  if (!isUuid(conversationId)) return null;
  const settings = await getSurveySettings();
  const claimed = await runTransaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`survey:csat:${conversationId}`}, 0))`;
    const conv = await tx.conversation.findUnique({ where: { id: conversationId }, select: { id: true, status: true, channel: true, customerId: true, number: true } });
    if (!conv || conv.status !== "resolved" || NO_SURVEY_CHANNELS.has(conv.channel)) return null;
    // Asking "how did we do?" about a ticket nobody answered only annoys (Settings → Surveys can turn this off).
    if (settings.csatRequiresAgentReply && !(await hasAgentReply(tx, conversationId))) return null;
    const recent = await tx.survey.findFirst({
      where: { conversationId, kind: "csat", sentAt: { gt: new Date(Date.now() - CSAT_COOLDOWN_MS) } },
      select: { id: true },
    });
    if (recent) return null;
    const { id, token, expiresAt, sentAt } = newSurveyId();
    await tx.survey.create({ data: { id, kind: "csat", customerId: conv.customerId, conversationId, channel: conv.channel, token, expiresAt, sentAt } });
    return { id, token, number: conv.number };
  });
  if (!claimed) return null;
  const url = surveyUrl(claimed.token);
  const authorId = await systemAuthorFor(conversationId);
  if (!authorId) return null;
  const reply = await sendReply({ conversationId, authorId, bodyText: surveyMessage("csat", url, claimed.number), clientMessageId: `survey:${claimed.id}` });
  return { surveyId: claimed.id, url, conversationId, messageId: reply.messageId };
}

/** CES after an article view, to a customer in an active conversation, at most weekly. */
export async function maybeSendCesAfterArticleView(customerId: string): Promise<SendSurveyResult | null> {
  if (!isUuid(customerId)) return null;
  const claimed = await runTransaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`survey:ces:${customerId}`}, 0))`;
    const recent = await tx.survey.findFirst({ where: { customerId, kind: "ces", sentAt: { gt: new Date(Date.now() - CES_COOLDOWN_MS) } }, select: { id: true } });
    if (recent) return null;
    const conv = await tx.conversation.findFirst({
      where: { customerId, status: { in: ["open", "pending"] }, channel: { notIn: ["api", "system"] }, lastMessageAt: { gt: new Date(Date.now() - CES_CONVERSATION_WINDOW_MS) } },
      orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
      select: { id: true, channel: true },
    });
    if (!conv) return null;
    const { id, token, expiresAt, sentAt } = newSurveyId();
    await tx.survey.create({ data: { id, kind: "ces", customerId, conversationId: conv.id, channel: conv.channel, token, expiresAt, sentAt } });
    return { id, token, conversationId: conv.id };
  });
  if (!claimed) return null;
  const url = surveyUrl(claimed.token);
  const authorId = await systemAuthorFor(claimed.conversationId);
  if (!authorId) return null;
  const reply = await sendReply({ conversationId: claimed.conversationId, authorId, bodyText: surveyMessage("ces", url), subject: "A quick question", clientMessageId: `survey:${claimed.id}` });
  return { surveyId: claimed.id, url, conversationId: claimed.conversationId, messageId: reply.messageId };
}

export type SurveyPage =
  | { status: "invalid" }
  | {
      status: "open" | "answered" | "expired";
      kind: SurveyKind;
      scale: (typeof SURVEY_SCALES)[SurveyKind];
      expiresAt: Date;
      conversationNumber: number | null;
      customerFirstName: string | null;
      response: { score: number; comment: string | null } | null;
    };

/** What the public page shows for a link. */
export async function surveyForPage(token: string, now = new Date()): Promise<SurveyPage> {
  const check = verifySurveyToken(token, now);
  if (!check.ok) return { status: "invalid" };
  const s = await db.survey.findUnique({
    where: { token },
    select: { id: true, kind: true, expiresAt: true, response: { select: { score: true, comment: true } }, conversation: { select: { number: true } }, customer: { select: { name: true } } },
  });
  if (!s || s.id !== check.surveyId) return { status: "invalid" };
  const status = s.response ? "answered" : s.expiresAt.getTime() <= now.getTime() ? "expired" : "open";
  return {
    status,
    kind: s.kind,
    scale: SURVEY_SCALES[s.kind],
    expiresAt: s.expiresAt,
    conversationNumber: s.conversation?.number ?? null,
    customerFirstName: s.customer.name?.split(/\s+/)[0] ?? null,
    response: s.response,
  };
}

export type AnswerResult = { surveyId: string; kind: SurveyKind; score: number; eventId: string | null };

/** Records the one answer of a survey. Throws SurveyError (invalid, expired, already_answered, out_of_range). */
export async function answerSurvey(token: string, input: { score: number; comment?: string | null }, now = new Date()): Promise<AnswerResult> {
  const check = verifySurveyToken(token, now);
  if (!check.ok) throw new SurveyError("invalid", "This survey link is not valid.");
  const survey = await db.survey.findUnique({
    where: { token },
    select: { id: true, kind: true, customerId: true, conversationId: true, channel: true, expiresAt: true, conversation: { select: { inboxId: true } }, response: { select: { id: true } } },
  });
  if (!survey || survey.id !== check.surveyId) throw new SurveyError("invalid", "This survey link is not valid.");
  if (survey.response) throw new SurveyError("already_answered", "Thanks — we already have your answer to this survey.");
  if (survey.expiresAt.getTime() <= now.getTime()) throw new SurveyError("expired", "This survey link has expired.");
  const scale = SURVEY_SCALES[survey.kind];
  const score = Number(input.score);
  if (!Number.isInteger(score) || score < scale.min || score > scale.max) {
    throw new SurveyError("out_of_range", `Please choose a score from ${scale.min} to ${scale.max}.`);
  }
  const comment = input.comment?.replace(/\r\n?/g, "\n").trim().slice(0, 2000) || null;
  try {
    await db.surveyResponse.create({ data: { id: uuidv7(), surveyId: survey.id, kind: survey.kind, score, comment, createdAt: now } });
  } catch (error) {
    if (isUniqueViolation(error)) throw new SurveyError("already_answered", "Thanks — we already have your answer to this survey.");
    throw error;
  }
  const text = `Rated ${scale.label} ${score}/${scale.max}${comment ? `: ${comment}` : ""}`;
  let eventId: string | null = null;
  try {
    const r = await recordTouchpoint({
      ...(survey.conversationId && survey.conversation
        ? { conversation: { id: survey.conversationId, inboxId: survey.conversation.inboxId } }
        : { customerId: survey.customerId }),
      channel: survey.channel,
      kind: "survey_response",
      actor: "customer",
      name: survey.kind,
      text,
      occurredAt: now,
      payload: { surveyId: survey.id, kind: survey.kind, score, max: scale.max, ...(comment ? { comment } : {}) },
      dedupeKey: `survey:${survey.id}`,
    });
    eventId = r.eventId;
  } catch (error) {
    // The answer is stored (and counted); the timeline entry is best effort.
    console.error(`[surveys] timeline entry for survey ${survey.id} failed: ${(error as Error).message}`);
  }
  return { surveyId: survey.id, kind: survey.kind, score, eventId };
}

/**
 * The survey consumer (src/server/surveys/register.ts, run by the job queue):
 * CSAT on resolution, CES after an article view. Each is claimed under an
 * advisory lock with a cooldown, so a batch delivered twice sends nothing twice.
 */
export async function onSurveyEvents(events: DomainEvent[]): Promise<void> {
  const errors: unknown[] = [];
  // One event at a time: a batch is up to 50 events, and each may hold a
  // transaction while it asks the pool for another connection; all at once
  // they could take every connection of the shared pool and wait for ever.
  for (const e of events) await surveysOnEvent(e).catch((error: unknown) => void errors.push(error));
  if (errors.length) throw errors[0];
}

/** In-process variant for tests and scripts (no queue). */
export function startSurveyListener(): () => void {
  return bus.on((event: DomainEvent) => surveysOnEvent(event));
}

async function surveysOnEvent(event: DomainEvent): Promise<void> {
  if (event.type === "conversation.updated" && event.changes?.status === "resolved") {
    await sendCsatForResolution(event.conversationId);
  } else if (event.type === "timeline.created") {
    const kind = (event.item as { kind?: string } | undefined)?.kind;
    if (kind === "article_view") await maybeSendCesAfterArticleView(event.customerId);
  }
}

/** Recent answers for the settings page. */
export async function recentResponses(limit = 50) {
  return db.surveyResponse.findMany({
    orderBy: { createdAt: "desc" },
    take: Math.min(Math.max(limit, 1), 200),
    select: {
      id: true,
      kind: true,
      score: true,
      comment: true,
      createdAt: true,
      survey: { select: { channel: true, customer: { select: { id: true, name: true } }, conversation: { select: { id: true, number: true } } } },
    },
  });
}

export async function surveyStats(days = 30) {
  const since = new Date(Date.now() - days * DAY);
  const rows = await db.$queryRaw<{ kind: SurveyKind; sent: number; answered: number }[]>`
    SELECT s.kind, count(*)::int AS sent, count(r.id)::int AS answered
    FROM surveys s LEFT JOIN survey_responses r ON r.survey_id = s.id
    WHERE s.sent_at >= ${since}
    GROUP BY s.kind`;
  return SURVEY_KINDS.map((kind) => {
    const r = rows.find((x) => x.kind === kind);
    return { kind, sent: r?.sent ?? 0, answered: r?.answered ?? 0, responseRate: r && r.sent ? Math.round((1000 * r.answered) / r.sent) / 10 : null };
  });
}
