// Admin management of social inboxes: create (granted to teams, audited),
// edit, and clear errors for bad input or an id already in use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../../helpers/db";
import { disconnectDb } from "@/server/db";
import { loadEnvFiles } from "@/server/config/load-env-files";
import { createSocialInbox, listSocialInboxes, SocialInboxError, updateSocialInbox } from "@/server/channels/social/inboxes";

let t: TestDatabase;
beforeAll(async () => {
  loadEnvFiles(); // webhook URLs are built from the validated environment
  t = await useTestDatabase();
});
afterAll(async () => {
  await disconnectDb();
  await t.drop();
});

describe("social inbox admin", () => {
  it("creates an inbox granted to teams, lists it with its webhook URL, edits it", async () => {
    const team = await t.prisma.team.create({ data: { name: "Social" } });
    const created = await createSocialInbox({ channel: "whatsapp", name: "Acme WhatsApp", publicId: "100000000000777", teamIds: [team.id] });
    expect(created.webhookUrl).toMatch(/\/api\/webhooks\/whatsapp$/);
    expect(created.tokenEnv).toBe("WHATSAPP_TOKEN");
    expect(await t.prisma.teamInbox.count({ where: { teamId: team.id, inboxId: created.id } })).toBe(1);
    expect(await t.prisma.auditLog.count({ where: { action: "inbox.create", targetId: created.id } })).toBe(1);

    await updateSocialInbox(created.id, { name: "Acme WhatsApp (EU)", tokenEnv: "WHATSAPP_EU_TOKEN" });
    const listed = (await listSocialInboxes()).find((i) => i.id === created.id)!;
    expect(listed.name).toBe("Acme WhatsApp (EU)");
    expect(listed.tokenEnv).toBe("WHATSAPP_EU_TOKEN");
  });

  it("refuses a duplicate account id and malformed input with a clear message, storing nothing", async () => {
    const before = await t.prisma.inbox.count();
    await expect(createSocialInbox({ channel: "telegram", name: "Dup", publicId: "100000000000777" })).rejects.toThrow(/already uses id 100000000000777/);
    const bad = await createSocialInbox({ channel: "telegram", name: "Bad", publicId: "not-a-number" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SocialInboxError);
    expect((bad as Error).message).toMatch(/publicId/);
    await expect(createSocialInbox({ channel: "x", name: "Bad env", publicId: "123", tokenEnv: "lower-case" })).rejects.toThrow(/environment variable name/);
    expect(await t.prisma.inbox.count()).toBe(before);
  });
});
