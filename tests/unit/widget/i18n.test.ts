// The widget's language and theme choice, and its small ICU formatter, as the
// bundle runs them (src/widget/i18n.ts with the real message files).
import { afterEach, describe, expect, it } from "vitest";
import { chooseLocale, chooseTheme, dir, format, locale, setLocale, t } from "@/widget/i18n";

afterEach(() => setLocale("en"));

describe("chooseLocale", () => {
  it("takes the inbox's language when it names a shipped one", () => {
    expect(chooseLocale("fr", ["de-DE", "en"])).toBe("fr");
    expect(chooseLocale("pt-BR", [])).toBe("pt-BR");
  });
  it("ignores an inbox language we do not ship and follows the browser", () => {
    expect(chooseLocale("ja", ["de-DE", "en"])).toBe("de");
    expect(chooseLocale(undefined, ["pt-PT"])).toBe("pt-BR");
    expect(chooseLocale(null, ["ar-EG", "en"])).toBe("ar");
  });
  it("takes the first browser language we ship", () => {
    expect(chooseLocale(undefined, ["ja-JP", "es-MX", "de"])).toBe("es");
  });
  it("falls back to English", () => {
    expect(chooseLocale(undefined, ["ja-JP", "zh"])).toBe("en");
    expect(chooseLocale(undefined, [])).toBe("en");
    expect(chooseLocale(undefined, undefined)).toBe("en");
  });
});

describe("t", () => {
  it("speaks the chosen language, with arguments", () => {
    setLocale("de");
    expect(locale()).toBe("de");
    expect(t("prechat.start")).toBe("Chat starten");
    expect(t("thread.typing", { name: "Ana" })).toBe("Ana schreibt…");
    expect(dir()).toBe("ltr");
  });
  it("keeps English exactly as the widget always said it", () => {
    expect(t("prechat.start")).toBe("Start the chat");
    expect(t("launcher.openUnread", { count: 1 })).toBe("Open chat, 1 unread message");
    expect(t("launcher.openUnread", { count: 3 })).toBe("Open chat, 3 unread messages");
    expect(t("composer.removeFile", { name: "shot.png" })).toBe("Remove shot.png");
  });
  it("is right-to-left for Arabic, with Arabic plural forms", () => {
    setLocale("ar");
    expect(dir()).toBe("rtl");
    expect(t("prechat.start")).toBe("بدء المحادثة");
    expect(t("launcher.openUnread", { count: 2 })).toBe("فتح المحادثة، رسالتان غير مقروءتين");
    expect(t("launcher.openUnread", { count: 5 })).toContain("رسائل");
  });
});

describe("format", () => {
  it("leaves unknown arguments visible rather than dropping text", () => {
    expect(format("Hi {name}, {other}", { name: "Bo" })).toBe("Hi Bo, {other}");
  });
  it("prefers an exact =n option over the plural category", () => {
    expect(format("{n, plural, =0 {none} one {# item} other {# items}}", { n: 0 }, "en")).toBe("none");
    expect(format("{n, plural, =0 {none} one {# item} other {# items}}", { n: 1 }, "en")).toBe("1 item");
  });
});

describe("chooseTheme", () => {
  it("follows the host page unless the inbox pins a theme", () => {
    expect(chooseTheme(undefined, true)).toBe("dark");
    expect(chooseTheme(undefined, false)).toBe("light");
    expect(chooseTheme("auto", true)).toBe("dark");
    expect(chooseTheme("light", true)).toBe("light");
    expect(chooseTheme("dark", false)).toBe("dark");
  });
});

describe("right-to-left arguments", () => {
  it("are bidi-isolated in Arabic so a Latin email keeps its punctuation, and left alone in English", () => {
    expect(t("panel.replyTo", { email: "sara@example.test" })).toBe("We'll reply to sara@example.test.");
    setLocale("ar");
    expect(t("panel.replyTo", { email: "sara@example.test" })).toBe("سنرد على \u2068sara@example.test\u2069.");
  });
});
