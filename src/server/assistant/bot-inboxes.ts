// Which chat (widget) inboxes have the answer bot: inbox.settings.answerBot,
// set from Settings → Assistant. The other settings keys are kept as they are.
import { db, Prisma } from "@/server/db";
import { recordAudit } from "@/server/audit/record";
import { DomainError } from "@/server/lib/domain-error";
import { answerBotOn } from "./bot";

export async function listBotInboxes(): Promise<{ id: string; name: string; publicId: string; answerBot: boolean }[]> {
  const rows = await db.inbox.findMany({ where: { channel: "chat" }, orderBy: { name: "asc" }, select: { id: true, name: true, publicId: true, settings: true } });
  return rows.map((r) => ({ id: r.id, name: r.name, publicId: r.publicId, answerBot: answerBotOn(r.settings) }));
}

export async function setAnswerBot(inboxId: string, on: boolean, actorUserId: string): Promise<{ id: string; answerBot: boolean }> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: string; channel: string; settings: unknown }[]>`SELECT id, channel::text AS channel, settings FROM inboxes WHERE id = ${inboxId}::uuid FOR UPDATE`;
    if (!row) throw new DomainError("No such inbox.", "not_found");
    if (row.channel !== "chat") throw new DomainError("The answer bot is only for website chat inboxes.", "invalid_input");
    const settings = typeof row.settings === "object" && row.settings !== null ? { ...(row.settings as Record<string, unknown>) } : {};
    settings.answerBot = on;
    await tx.inbox.update({ where: { id: inboxId }, data: { settings: settings as Prisma.InputJsonValue } });
    await recordAudit(tx, { actorUserId, action: on ? "assistant.answer_bot_on" : "assistant.answer_bot_off", targetType: "inbox", targetId: inboxId });
    return { id: inboxId, answerBot: on };
  });
}
