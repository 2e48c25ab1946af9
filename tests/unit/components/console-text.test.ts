// Pure helpers of the console: @mention detection and macro placeholders.
import { describe, expect, it } from "vitest";
import { findMentions } from "@/server/conversations/notes";
import { renderMacro } from "@/server/macros/render";
import { normalizeTags } from "@/server/conversations/ticket";

const users = [
  { id: "d", name: "Daniel Okafor" },
  { id: "m", name: "Maya Lindqvist" },
  { id: "m2", name: "Maya Stone" },
  { id: "s", name: "Sam Rivera" },
];

describe("findMentions", () => {
  it("finds full names, unambiguous first names, and ignores email addresses", () => {
    expect(findMentions("@Daniel Okafor please look", users)).toEqual(["d"]);
    expect(findMentions("cc @sam and @daniel.", users).sort()).toEqual(["d", "s"]);
    expect(findMentions("@Maya can you…", users)).toEqual([]); // two Mayas
    expect(findMentions("@Maya Stone can you…", users)).toEqual(["m2"]);
    expect(findMentions("mail sam@rivera.example", users)).toEqual([]);
    expect(findMentions("@Samuel is not Sam", users)).toEqual([]);
  });
});

describe("renderMacro", () => {
  it("fills the placeholders and leaves unknown ones visible", () => {
    const text = renderMacro("Hi {{customer.name}} ({{ customer.first_name }}), I'm {{agent.name}} — ticket #{{conversation.number}} {{order.id}}", {
      customer: { name: "Aaliyah Mensah" },
      agent: { name: "Sam Rivera" },
      conversation: { number: 1042, subject: null },
    });
    expect(text).toBe("Hi Aaliyah Mensah (Aaliyah), I'm Sam Rivera — ticket #1042 {{order.id}}");
  });

  it("falls back to a friendly word when the customer has no name", () => {
    expect(renderMacro("Hi {{customer.name}}", { customer: { name: null }, agent: { name: "A" }, conversation: { number: 1, subject: null } })).toBe("Hi there");
  });
});

describe("normalizeTags", () => {
  it("trims, de-duplicates case-insensitively and limits length", () => {
    expect(normalizeTags([" refund ", "Refund", "a,b", "x".repeat(50)])).toEqual(["refund", "a b", "x".repeat(40)]);
  });
});
