// Every shipped locale has every message key English has (and no stray keys
// English lacks), every message parses as ICU and uses the same {arguments}
// as its English original. "ar" is allowed to be partial (English fills in)
// but whatever it has must be right.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { IntlMessageFormat } from "intl-messageformat";
import { LOCALES } from "@/i18n/locales";
import { NAMESPACES, PARTIAL_LOCALES } from "@/i18n/namespaces";

const DIR = path.resolve("src/i18n/messages");

function flatten(value: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) for (const [kk, vv] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(kk, vv);
  } else if (typeof value === "string") {
    out.set(prefix, value);
  } else {
    out.set(prefix, `\u0000not a string: ${JSON.stringify(value)}`);
  }
  return out;
}

function load(locale: string, ns: string): Map<string, string> {
  return flatten(JSON.parse(readFileSync(path.join(DIR, locale, `${ns}.json`), "utf8")));
}

/** The argument names a message uses ({name}, {count, plural, ...}), sorted. */
function argumentsOf(message: string, locale: string): string[] {
  const names = new Set<string>();
  const walk = (elements: unknown[]) => {
    for (const el of elements as Array<{ type: number; value?: string; options?: Record<string, { value: unknown[] }>; children?: unknown[] }>) {
      if (el.type !== 0 && el.type !== 7 && typeof el.value === "string") names.add(el.value);
      if (el.options) for (const o of Object.values(el.options)) walk(o.value);
      if (el.children) walk(el.children);
    }
  };
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag: false }).getAst() as unknown[]);
  return [...names].sort();
}

describe("message files", () => {
  it("exist for every locale and namespace, and nothing else is there", () => {
    expect(readdirSync(DIR).sort()).toEqual([...LOCALES].sort());
    for (const locale of LOCALES) {
      expect(readdirSync(path.join(DIR, locale)).sort()).toEqual(NAMESPACES.map((ns) => `${ns}.json`).sort());
    }
  });

  for (const ns of NAMESPACES) {
    const english = load("en", ns);
    for (const locale of LOCALES.filter((l) => l !== "en")) {
      it(`${locale}/${ns}.json has ${PARTIAL_LOCALES.has(locale) ? "only" : "exactly"} the keys of en/${ns}.json, each with the same arguments`, () => {
        const own = load(locale, ns);
        const missing = [...english.keys()].filter((k) => !own.has(k));
        const extra = [...own.keys()].filter((k) => !english.has(k));
        expect(extra, `keys in ${locale}/${ns} that English lacks`).toEqual([]);
        if (!PARTIAL_LOCALES.has(locale)) expect(missing, `keys missing in ${locale}/${ns}`).toEqual([]);
        for (const [key, message] of own) {
          expect(message.startsWith("\u0000"), `${locale}/${ns}:${key} ${message}`).toBe(false);
          expect(message.trim(), `${locale}/${ns}:${key} is empty`).not.toBe("");
          expect(argumentsOf(message, locale), `${locale}/${ns}:${key} arguments`).toEqual(argumentsOf(english.get(key)!, "en"));
        }
      });
    }
    it(`en/${ns}.json parses`, () => {
      for (const [key, message] of english) {
        expect(message.startsWith("\u0000"), `en/${ns}:${key} ${message}`).toBe(false);
        expect(() => argumentsOf(message, "en"), `en/${ns}:${key}`).not.toThrow();
      }
    });
  }

  it("the partial RTL locale is more than a stub: at least the shell is translated", () => {
    for (const ns of ["common", "nav", "widget"]) {
      const ar = load("ar", ns);
      const en = load("en", ns);
      expect(ar.size, `ar/${ns}`).toBeGreaterThanOrEqual(Math.min(en.size, 1));
    }
  });
});
