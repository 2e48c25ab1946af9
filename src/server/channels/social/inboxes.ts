// Social inboxes: routing a webhook to its inbox by the platform's id of our
// account (page id, Instagram account id, phone number id, bot id, X user
// id), the send token each inbox names by env var, and the admin data (list,
// update, webhook health) the settings screen shows through tRPC.
import { envByName, envSchema, envValue } from "@/env";
import { z } from "zod";
import { publicUrl } from "@/env";
import { db, type Prisma } from "@/server/db";
import type { ChannelKind } from "@/generated/prisma/enums";
import { SEND_ERROR, WEBHOOK_ENDPOINTS, WEBHOOK_ERROR, WEBHOOK_VERIFIED, type WebhookEndpoint } from "./log";
import { SOCIAL_CHANNELS, type SocialChannel } from "@/lib/vocabulary";
import { isSocialChannel } from "./types";
import { recordAudit } from "@/server/audit/record";
import { DomainError } from "@/server/lib/domain-error";

export type SocialInbox = { id: string; name: string; channel: SocialChannel; publicId: string; secretEnv: Record<string, unknown> };

/** The env var that holds an inbox's send token when the inbox names none. */
export const DEFAULT_TOKEN_ENV: Record<SocialChannel, string> = {
  messenger: "META_PAGE_TOKEN",
  instagram: "INSTAGRAM_TOKEN",
  whatsapp: "WHATSAPP_TOKEN",
  telegram: "TELEGRAM_BOT_TOKEN",
  x: "X_ACCESS_TOKEN",
};

export const ENDPOINT_OF: Record<SocialChannel, WebhookEndpoint> = {
  messenger: "meta",
  instagram: "meta",
  whatsapp: "whatsapp",
  telegram: "telegram",
  x: "x",
};

function toSocialInbox(row: { id: string; name: string; channel: ChannelKind; publicId: string; secretEnv: Prisma.JsonValue }): SocialInbox | null {
  if (!isSocialChannel(row.channel)) return null;
  const secretEnv = row.secretEnv && typeof row.secretEnv === "object" && !Array.isArray(row.secretEnv) ? (row.secretEnv as Record<string, unknown>) : {};
  return { id: row.id, name: row.name, channel: row.channel, publicId: row.publicId, secretEnv };
}

const SELECT = { id: true, name: true, channel: true, publicId: true, secretEnv: true } as const;

/** The inbox of this channel whose platform id is `account`, or null (unknown account). */
export async function findSocialInbox(channel: SocialChannel, account: string | null | undefined): Promise<SocialInbox | null> {
  if (!account) return null;
  const row = await db.inbox.findFirst({ where: { publicId: account, channel }, select: SELECT });
  return row ? toSocialInbox(row) : null;
}

export async function getSocialInbox(id: string): Promise<SocialInbox | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await db.inbox.findUnique({ where: { id }, select: SELECT });
  return row ? toSocialInbox(row) : null;
}

/** The env var naming an inbox's send token. */
export function tokenEnvOf(inbox: Pick<SocialInbox, "channel" | "secretEnv">): string {
  const named = inbox.secretEnv.token;
  return typeof named === "string" && named.trim() ? named.trim() : DEFAULT_TOKEN_ENV[inbox.channel];
}

/** The inbox's send token from the environment, or null when not configured. */
export function inboxToken(inbox: Pick<SocialInbox, "channel" | "secretEnv">): string | null {
  const value = envByName(tokenEnvOf(inbox));
  return value && value.trim() ? value.trim() : null;
}

/** A Telegram bot's id: the numeric part of its token ("123456:ABC..." → "123456"). */
export function telegramBotId(token: string | null | undefined): string | null {
  const m = /^(\d+):/.exec(token?.trim() ?? "");
  return m ? m[1]! : null;
}

/**
 * The Telegram inbox a webhook delivery is for. Telegram puts no bot id in
 * updates: one secret per webhook is all we have. An explicit `?bot=<id>` on
 * the webhook URL wins; else the only Telegram inbox; else the inbox whose
 * publicId is the bot id of TELEGRAM_BOT_TOKEN (or of its own token).
 */
export async function resolveTelegramInbox(botIdHint?: string | null): Promise<SocialInbox | null> {
  if (botIdHint) return findSocialInbox("telegram", botIdHint);
  const rows = await db.inbox.findMany({ where: { channel: "telegram" }, select: SELECT, orderBy: { createdAt: "asc" }, take: 50 });
  const inboxes = rows.map(toSocialInbox).filter((i): i is SocialInbox => !!i);
  if (inboxes.length <= 1) return inboxes[0] ?? null;
  const defaultBot = telegramBotId(envValue("TELEGRAM_BOT_TOKEN"));
  return inboxes.find((i) => i.publicId === defaultBot) ?? inboxes.find((i) => i.publicId === telegramBotId(inboxToken(i))) ?? null;
}

// ---------------------------------------------------------------- admin data

export function webhookUrl(endpoint: WebhookEndpoint): string {
  return `${publicUrl()}/api/webhooks/${endpoint}`;
}

export type DeliveryError = { at: Date; action: string; reason: string; kind: string | null; retryable: boolean | null; messageId: string | null };

export type SocialInboxSummary = {
  id: string;
  name: string;
  channel: SocialChannel;
  publicId: string;
  webhookUrl: string;
  tokenEnv: string;
  tokenConfigured: boolean;
  lastErrors: DeliveryError[];
};

function toDeliveryError(row: { createdAt: Date; action: string; data: Prisma.JsonValue }): DeliveryError {
  const d = (row.data && typeof row.data === "object" && !Array.isArray(row.data) ? row.data : {}) as Record<string, unknown>;
  return {
    at: row.createdAt,
    action: row.action,
    reason: typeof d.reason === "string" ? d.reason : "",
    kind: typeof d.kind === "string" ? d.kind : null,
    retryable: typeof d.retryable === "boolean" ? d.retryable : null,
    messageId: typeof d.messageId === "string" ? d.messageId : null,
  };
}

/** Every social inbox with its webhook URL, token status and last few delivery/send errors. */
export async function listSocialInboxes(opts: { errorsPerInbox?: number } = {}): Promise<SocialInboxSummary[]> {
  const take = opts.errorsPerInbox ?? 5;
  const rows = await db.inbox.findMany({ where: { channel: { in: [...SOCIAL_CHANNELS] } }, select: SELECT, orderBy: [{ channel: "asc" }, { name: "asc" }] });
  const inboxes = rows.map(toSocialInbox).filter((i): i is SocialInbox => !!i);
  const out: SocialInboxSummary[] = [];
  for (const inbox of inboxes) {
    const endpoint = ENDPOINT_OF[inbox.channel];
    // Errors about this inbox, and endpoint-wide ones (bad signatures) that concern it too.
    const errors = await db.auditLog.findMany({
      where: {
        action: { in: [WEBHOOK_ERROR, SEND_ERROR] },
        OR: [
          { targetType: "inbox", targetId: inbox.id },
          { targetType: "webhook", targetId: endpoint },
        ],
      },
      orderBy: { createdAt: "desc" },
      take,
      select: { createdAt: true, action: true, data: true },
    });
    const tokenEnv = tokenEnvOf(inbox);
    out.push({
      id: inbox.id,
      name: inbox.name,
      channel: inbox.channel,
      publicId: inbox.publicId,
      webhookUrl: webhookUrl(endpoint),
      tokenEnv,
      tokenConfigured: !!inboxToken(inbox),
      lastErrors: errors.map(toDeliveryError),
    });
  }
  return out;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
// Throughline's settings other than the platforms' send tokens.
const SEND_TOKENS = new Set(["META_PAGE_TOKEN", "INSTAGRAM_TOKEN", "WHATSAPP_TOKEN", "TELEGRAM_BOT_TOKEN", "X_ACCESS_TOKEN"]);
const NOT_A_SEND_TOKEN = new Set(Object.keys(envSchema.shape).filter((name) => !SEND_TOKENS.has(name)));

export const updateSocialInboxInput = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    publicId: z
      .string()
      .trim()
      .regex(/^\d{1,32}$/, "must be the platform's numeric id (page id, account id, phone number id, bot id or user id)")
      .optional(),
    tokenEnv: z
      .string()
      .trim()
      .regex(ENV_NAME, "must be an environment variable name such as META_PAGE_TOKEN")
      // The value is sent to the platform as a bearer token: never one of our own secrets or settings.
      .refine((name) => !NOT_A_SEND_TOKEN.has(name), "must name the platform's send token, not one of Throughline's own secrets or settings")
      .optional(),
  })
  .strict();

export type UpdateSocialInboxInput = z.input<typeof updateSocialInboxInput>;

export class SocialInboxError extends DomainError {
  constructor(
    public code: "not_found" | "conflict" | "invalid_input",
    message: string,
  ) {
    super(message);
  }
}

/** Renames an inbox, changes the platform id it answers to, or the env var of its token. */
export async function updateSocialInbox(id: string, input: UpdateSocialInboxInput, actorUserId?: string | null): Promise<SocialInboxSummary> {
  const parsed = updateSocialInboxInput.safeParse(input);
  if (!parsed.success) throw new SocialInboxError("invalid_input", parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  const inbox = await getSocialInbox(id);
  if (!inbox) throw new SocialInboxError("not_found", `unknown social inbox ${id}`);
  const { name, publicId, tokenEnv } = parsed.data;
  if (publicId && publicId !== inbox.publicId) {
    const taken = await db.inbox.findUnique({ where: { publicId }, select: { id: true } });
    if (taken && taken.id !== id) throw new SocialInboxError("conflict", `another inbox already uses id ${publicId}`);
  }
  const data: Prisma.InboxUpdateInput = {};
  if (name !== undefined) data.name = name;
  if (publicId !== undefined) data.publicId = publicId;
  if (tokenEnv !== undefined) data.secretEnv = { ...inbox.secretEnv, token: tokenEnv } as Prisma.InputJsonValue;
  await db.$transaction([
    db.inbox.update({ where: { id }, data }),
    recordAudit(db, { actorUserId, action: "inbox.updated", targetType: "inbox", targetId: id, data: { before: { name: inbox.name, publicId: inbox.publicId, tokenEnv: tokenEnvOf(inbox) }, after: { name, publicId, tokenEnv } } }),
  ]);
  const summary = (await listSocialInboxes()).find((s) => s.id === id);
  return summary!;
}

export type WebhookStatus = {
  endpoint: WebhookEndpoint;
  url: string;
  /** Last successful handshake (Meta hub.challenge, X CRC) or verified Telegram delivery. */
  lastVerifiedAt: Date | null;
  /** Last message received through this endpoint. */
  lastDeliveryAt: Date | null;
  /** The secret the endpoint checks is set. */
  secretConfigured: boolean;
};

const CHANNELS_OF: Record<WebhookEndpoint, SocialChannel[]> = {
  meta: ["messenger", "instagram"],
  whatsapp: ["whatsapp"],
  telegram: ["telegram"],
  x: ["x"],
};

const SECRET_OF: Record<WebhookEndpoint, string[]> = {
  meta: ["META_APP_SECRET", "META_VERIFY_TOKEN"],
  whatsapp: ["META_APP_SECRET", "META_VERIFY_TOKEN"],
  telegram: ["TELEGRAM_WEBHOOK_SECRET"],
  x: ["X_CONSUMER_SECRET"],
};

/** Per webhook endpoint: when it last verified, when it last delivered a message. */
export async function webhookVerificationStatus(): Promise<WebhookStatus[]> {
  const out: WebhookStatus[] = [];
  for (const endpoint of WEBHOOK_ENDPOINTS) {
    const verified = await db.auditLog.findFirst({
      where: { action: WEBHOOK_VERIFIED, targetType: "webhook", targetId: endpoint },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    });
    // Walks the occurred_at index backwards: cheap while deliveries are recent.
    const delivered = await db.timelineEvent.findFirst({
      where: { kind: "message", actor: "customer", channel: { in: CHANNELS_OF[endpoint] } },
      orderBy: { occurredAt: "desc" },
      select: { occurredAt: true },
    });
    out.push({
      endpoint,
      url: webhookUrl(endpoint),
      lastVerifiedAt: verified?.createdAt ?? null,
      lastDeliveryAt: delivered?.occurredAt ?? null,
      secretConfigured: SECRET_OF[endpoint].every((k) => !!envByName(k)),
    });
  }
  return out;
}

export const createSocialInboxInput = z
  .object({
    channel: z.enum(SOCIAL_CHANNELS as unknown as [SocialChannel, ...SocialChannel[]]),
    name: z.string().trim().min(1).max(200),
    publicId: updateSocialInboxInput.shape.publicId.unwrap(),
    tokenEnv: updateSocialInboxInput.shape.tokenEnv,
    teamIds: z.array(z.string().uuid()).max(50).default([]),
  })
  .strict();

/** A new social inbox (the platform account), granted to the given teams; audited. */
export async function createSocialInbox(input: z.input<typeof createSocialInboxInput>, actorUserId?: string | null): Promise<SocialInboxSummary> {
  const parsed = createSocialInboxInput.safeParse(input);
  if (!parsed.success) throw new SocialInboxError("invalid_input", parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  const { channel, name, publicId, tokenEnv, teamIds } = parsed.data;
  if (await db.inbox.findUnique({ where: { publicId }, select: { id: true } })) {
    throw new SocialInboxError("conflict", `another inbox already uses id ${publicId}`);
  }
  const inbox = await db.$transaction(async (tx) => {
    const created = await tx.inbox.create({ data: { name, channel, publicId, secretEnv: { token: tokenEnv ?? DEFAULT_TOKEN_ENV[channel] } } });
    if (teamIds.length) await tx.teamInbox.createMany({ data: teamIds.map((teamId) => ({ teamId, inboxId: created.id })), skipDuplicates: true });
    await recordAudit(tx, { actorUserId, action: "inbox.create", targetType: "inbox", targetId: created.id, data: { channel, publicId, teamIds } });
    return created;
  });
  const summary = (await listSocialInboxes({ errorsPerInbox: 0 })).find((i) => i.id === inbox.id);
  if (!summary) throw new SocialInboxError("not_found", "inbox vanished");
  return summary;
}
