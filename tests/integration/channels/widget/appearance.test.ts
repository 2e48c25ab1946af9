// An admin pins a widget inbox's language and colour scheme (Settings →
// Channels): the public config the widget loads carries them, a value
// Throughline does not ship is refused with nothing stored, the inbox's other
// settings survive, and each change is audited. Unpinned (null), the widget
// follows the visitor's browser language and the host page's colour scheme.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, type TestDatabase } from "../../../helpers/db";
import { db, disconnectDb } from "@/server/db";
import { parseWidgetSettings, publicConfig, widgetInboxById } from "@/server/channels/widget/config";
import { setAllowedOrigins, setWidgetAppearance, WidgetInboxError, listWidgetInboxes } from "@/server/channels/widget/inboxes";

let t: TestDatabase;
let inboxId: string;
let adminId: string;

beforeAll(async () => {
  t = await useTestDatabase();
  const inbox = await db.inbox.create({ data: { name: "Shop chat", channel: "chat", publicId: "shop-chat", settings: { greeting: "Hallo!" } } });
  inboxId = inbox.id;
  adminId = (await db.user.create({ data: { email: "ada@appearance.test", name: "Ada Admin", passwordHash: "x", role: "admin" } })).id;
  await setAllowedOrigins(inboxId, "https://shop.example", adminId);
});

afterAll(async () => {
  await disconnectDb();
  await t?.drop();
});

const stored = async () => parseWidgetSettings((await db.inbox.findUniqueOrThrow({ where: { id: inboxId } })).settings);

describe("widget appearance", () => {
  it("unpinned by default: the public config says null for both (follow the visitor)", async () => {
    const config = publicConfig((await widgetInboxById(inboxId))!);
    expect(config.locale).toBeNull();
    expect(config.theme).toBeNull();
  });

  it("pins German and dark, keeps the greeting and origins, and audits the change", async () => {
    expect(await setWidgetAppearance(inboxId, { locale: "de", theme: "dark" }, adminId)).toEqual({ locale: "de", theme: "dark" });
    const s = await stored();
    expect(s).toMatchObject({ locale: "de", theme: "dark", greeting: "Hallo!", allowedOrigins: ["https://shop.example"] });
    const audit = await db.auditLog.findMany({ where: { targetId: inboxId, action: "inbox.updated" }, orderBy: { createdAt: "desc" }, take: 1 });
    expect(audit[0]!.data).toEqual({ before: { locale: null, theme: null }, after: { locale: "de", theme: "dark" } });
    expect((await listWidgetInboxes()).find((w) => w.id === inboxId)).toMatchObject({ locale: "de", theme: "dark" });
  });

  it("refuses a language Throughline does not ship and a made-up scheme, storing nothing", async () => {
    const audits = await db.auditLog.count();
    await expect(setWidgetAppearance(inboxId, { locale: "xx", theme: null }, adminId)).rejects.toBeInstanceOf(WidgetInboxError);
    await expect(setWidgetAppearance(inboxId, { locale: null, theme: "sepia" as "dark" }, adminId)).rejects.toThrow(/light, dark/);
    await expect(setWidgetAppearance("not-an-id", { locale: null, theme: null }, adminId)).rejects.toThrow(/No such widget inbox/);
    expect(await stored()).toMatchObject({ locale: "de", theme: "dark" });
    expect(await db.auditLog.count()).toBe(audits);
  });

  it("a hand-edited bad value in the settings JSON falls back to following the visitor", async () => {
    const raw = (await db.inbox.findUniqueOrThrow({ where: { id: inboxId } })).settings as Record<string, unknown>;
    await db.inbox.update({ where: { id: inboxId }, data: { settings: { ...raw, locale: "klingon", theme: 42 } } });
    expect(await stored()).toMatchObject({ locale: null, theme: null, greeting: "Hallo!" });
  });

  it("unpins again with null", async () => {
    await setWidgetAppearance(inboxId, { locale: "fr", theme: "light" }, adminId);
    await setWidgetAppearance(inboxId, { locale: null, theme: null }, adminId);
    expect(await stored()).toMatchObject({ locale: null, theme: null });
  });
});
