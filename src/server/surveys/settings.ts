// Settings → Surveys: how the automatic surveys behave. One row; none = the defaults.
import { db } from "@/server/db";
import { recordAudit } from "@/server/audit/record";

export type SurveySettings = { csatRequiresAgentReply: boolean };

export const SURVEY_SETTINGS_DEFAULTS: SurveySettings = { csatRequiresAgentReply: true };

export async function getSurveySettings(): Promise<SurveySettings> {
  const row = await db.surveySettings.findUnique({ where: { id: 1 }, select: { csatRequiresAgentReply: true } });
  return row ?? SURVEY_SETTINGS_DEFAULTS;
}

export async function updateSurveySettings(changes: Partial<SurveySettings>, actorUserId: string | null): Promise<SurveySettings> {
  return db.$transaction(async (tx) => {
    const before = (await tx.surveySettings.findUnique({ where: { id: 1 }, select: { csatRequiresAgentReply: true } })) ?? SURVEY_SETTINGS_DEFAULTS;
    const row = await tx.surveySettings.upsert({
      where: { id: 1 },
      create: { id: 1, ...SURVEY_SETTINGS_DEFAULTS, ...changes, updatedById: actorUserId },
      update: { ...changes, updatedById: actorUserId },
      select: { csatRequiresAgentReply: true },
    });
    if (row.csatRequiresAgentReply !== before.csatRequiresAgentReply) {
      await recordAudit(tx, { actorUserId, action: "survey_settings.updated", targetType: "survey_settings", targetId: "1", data: { csatRequiresAgentReply: { from: before.csatRequiresAgentReply, to: row.csatRequiresAgentReply } } });
    }
    return row;
  });
}
