// Loads one locale's messages: every namespace file, merged under its name,
// with English underneath so a key still missing in a partial locale (ar)
// shows English rather than a raw key.
import { DEFAULT_LOCALE, type Locale } from "./locales";
import { NAMESPACES } from "./namespaces";

type Messages = Record<string, unknown>;

async function loadRaw(locale: Locale): Promise<Messages> {
  const entries = await Promise.all(
    NAMESPACES.map(async (ns) => {
      const mod = (await import(`./messages/${locale}/${ns}.json`)) as { default: Messages };
      return [ns, mod.default] as const;
    }),
  );
  return Object.fromEntries(entries);
}

function deepMerge(base: Messages, over: Messages): Messages {
  const out: Messages = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = out[key];
    out[key] =
      value && typeof value === "object" && !Array.isArray(value) && under && typeof under === "object"
        ? deepMerge(under as Messages, value as Messages)
        : value;
  }
  return out;
}

const cache = new Map<Locale, Promise<Messages>>();

export function loadMessages(locale: Locale): Promise<Messages> {
  let hit = cache.get(locale);
  if (!hit) {
    hit = locale === DEFAULT_LOCALE ? loadRaw(locale) : Promise.all([loadRaw(DEFAULT_LOCALE), loadRaw(locale)]).then(([en, own]) => deepMerge(en, own));
    cache.set(locale, hit);
  }
  return hit;
}
