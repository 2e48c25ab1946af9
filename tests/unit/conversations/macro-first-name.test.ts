// {{customer.first_name}}: greetings say "Hi Cooper," rather than "Hi Cooper Stewart,".
import { describe, expect, it } from "vitest";
import { firstName, MACRO_PLACEHOLDERS, renderMacro } from "@/server/macros/render";
import { MACROS } from "@/server/seed/catalog";

const vars = (name: string | null) => ({ customer: { name }, agent: { name: "Sam Rivera" }, conversation: { number: 7, subject: null } });

describe("{{customer.first_name}}", () => {
  it("is the first word of a multi-word name", () => {
    expect(renderMacro("Hi {{customer.first_name}},", vars("Cooper Stewart"))).toBe("Hi Cooper,");
    expect(renderMacro("Hi {{customer.first_name}},", vars("  Mary   Ann  Lee "))).toBe("Hi Mary,");
    expect(firstName("Jean-Luc Picard")).toBe("Jean-Luc");
  });

  it("skips a leading courtesy title, but keeps a title that is the whole name", () => {
    expect(firstName("Dr. Ana Ruiz")).toBe("Ana");
    expect(firstName("prof Lena Koch")).toBe("Lena");
    expect(firstName("Dr.")).toBe("Dr.");
    // A first name that merely looks like a title is not one.
    expect(firstName("Drew Barry")).toBe("Drew");
  });

  it("falls back to “there” for no name, a blank name or an email address as name", () => {
    for (const name of [null, "", "   ", "cooper@example.com"]) {
      expect(renderMacro("Hi {{customer.first_name}},", vars(name))).toBe("Hi there,");
    }
  });

  it("keeps non-Latin names intact: the first word, or the whole name when it has no spaces", () => {
    expect(firstName("Ольга Иванова")).toBe("Ольга");
    expect(firstName("محمد علي")).toBe("محمد");
    expect(firstName("王小明")).toBe("王小明");
    expect(renderMacro("Hi {{customer.first_name}},", vars("Zoë Ångström"))).toBe("Hi Zoë,");
  });

  it("agent.first_name is the agent's first word", () => {
    expect(renderMacro("I'm {{agent.first_name}}", vars("X"))).toBe("I'm Sam");
  });
});

describe("seeded macros", () => {
  it("greet customers by first name and use only documented placeholders", () => {
    const known = new Set<string>(MACRO_PLACEHOLDERS.map((p) => p.key));
    for (const m of MACROS) {
      expect(m.body, m.name).not.toContain("{{customer.name}}");
      for (const [, key] of m.body.matchAll(/\{\{\s*([a-z_.]+)\s*\}\}/g)) expect(known.has(key!), `${m.name}: ${key}`).toBe(true);
    }
    const greeting = MACROS.find((m) => m.name === "Greeting")!;
    expect(renderMacro(greeting.body, vars("Cooper Stewart"))).toMatch(/^Hi Cooper,\n/);
  });
});
