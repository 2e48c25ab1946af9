// Settings → Assistant: each feature can be switched off by an admin (one
// row, id 1; no row = every feature on). Changes are audited.
import { z } from "zod";
import { db } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { DomainError } from "@/server/lib/domain-error";

export type AssistantFeature = "summary" | "reply" | "bot";
export type AssistantSwitches = { summaryEnabled: boolean; replyEnabled: boolean; botEnabled: boolean };

export const DEFAULT_SWITCHES: AssistantSwitches = { summaryEnabled: true, replyEnabled: true, botEnabled: true };

export const updateAssistantSettingsInput = z
  .object({ summaryEnabled: z.boolean(), replyEnabled: z.boolean(), botEnabled: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "Nothing to change.");

/** A feature an admin switched off: the edges say so plainly instead of answering. */
export class AssistantDisabledError extends DomainError {
  constructor(feature: AssistantFeature) {
    super(`The assistant's ${FEATURE_NAMES[feature]} is switched off (Settings → Assistant).`, "forbidden", "disabled");
  }
}

const FEATURE_NAMES: Record<AssistantFeature, string> = { summary: "summary", reply: "suggested reply", bot: "widget answer bot" };

export async function assistantSettings(): Promise<AssistantSwitches> {
  const row = await db.assistantSettings.findUnique({ where: { id: 1 }, select: { summaryEnabled: true, replyEnabled: true, botEnabled: true } });
  return row ?? DEFAULT_SWITCHES;
}

export async function featureEnabled(feature: AssistantFeature): Promise<boolean> {
  const s = await assistantSettings();
  return feature === "summary" ? s.summaryEnabled : feature === "reply" ? s.replyEnabled : s.botEnabled;
}

export async function updateAssistantSettings(input: z.infer<typeof updateAssistantSettingsInput>, actorUserId: string): Promise<AssistantSwitches> {
  const before = await assistantSettings();
  const saved = await db.$transaction(async (tx) => {
    const row = await tx.assistantSettings.upsert({
      where: { id: 1 },
      create: { id: 1, ...DEFAULT_SWITCHES, ...input, updatedById: actorUserId },
      update: { ...input, updatedById: actorUserId },
      select: { summaryEnabled: true, replyEnabled: true, botEnabled: true },
    });
    await recordAudit(tx, { actorUserId, action: "assistant.settings_updated", targetType: "assistant_settings", targetId: "1", data: { before, after: row } });
    return row;
  });
  return saved;
}
