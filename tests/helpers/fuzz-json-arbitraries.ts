// Shared fast-check arbitraries for the JSON fuzzers (webhook parsers, and
// the inbound HTTP fuzzing in tests/integration/promises/fuzz-inbound-http.test.ts):
// hostile JSON values and mutations of real payloads (drop, replace, retype,
// wrap, duplicate fields). Not a test file itself.
import fc from "fast-check";

// A uniform position in [0, 1). Not fc.double: it is uniform over representable
// doubles, nearly all of them tiny, so every "random offset" would be 0.
export const fraction = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const HOSTILE: Json[] = [
  null, "", " ", "\t\n", 0, -1, -0, 1.5, 0.1, 1e308, -1e308, 9007199254740993, 1e21, 4e15, 1e12, true, false, {}, [], [[]], [{}],
  "\u0000", "a\u0000b", "\ud800", "\udfff\ud800", "x".repeat(5000), "9".repeat(400), "NaN", "Infinity", "-1", "1e400", "0x10", "+", "++1",
  "__proto__", "constructor", "toString", "hasOwnProperty", "javascript:alert(1)", "https://evil.test/a%00b", "https://x/%E0%A4%A", "%",
  "message", "image", "location", "sticker", "unsupported", "reaction", "unreact", "page", "instagram", "whatsapp_business_account",
  { __proto__: null } as unknown as Json, { id: null }, { id: {} }, { mid: 5 },
  // Objects String(), Number() and template literals cannot convert (TypeError): no callable toString, valueOf gives no primitive.
  { toString: 0 }, { toString: null, valueOf: "x" },
];

export const randomJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer() },
);

type Mutation = { at: number; extra: number; op: "drop" | "replace" | "retype" | "wrap" | "duplicate" | "emptyContainer" | "swapKeys"; value: Json; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fraction,
  extra: fraction,
  op: fc.constantFrom("drop", "replace", "replace", "replace", "retype", "wrap", "duplicate", "emptyContainer", "swapKeys"),
  value: randomJson,
  key: fc.oneof(fc.constantFrom("text", "mid", "id", "from", "type", "timestamp", "date", "message", "sender", "attachments", "is_echo", "__proto__", "constructor"), fc.string({ maxLength: 8 })),
});

/** Every (container, key) slot of a JSON tree: the places a mutation can hit, leaves and inner nodes alike. */
function slots(root: Json): { node: Json[] | { [k: string]: Json }; key: string }[] {
  const out: { node: Json[] | { [k: string]: Json }; key: string }[] = [];
  const walk = (v: Json) => {
    if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        out.push({ node: v, key: k });
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

function retype(v: Json): Json {
  if (typeof v === "string") return Number.isNaN(Number(v)) ? [v] : Number(v);
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : 0;
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  if (v && typeof v === "object") return Object.values(v);
  return "null";
}

export function applyMutations(seed: Json, mutations: Mutation[]): Json {
  let root = structuredClone(seed);
  for (const m of mutations) {
    const all = slots(root);
    if (all.length === 0) {
      root = m.op === "wrap" ? [root] : structuredClone(m.value);
      continue;
    }
    const { node, key } = all[Math.floor(m.at * all.length)]!;
    const keys = Object.keys(node);
    const obj = node as Record<string, Json>;
    const own = (k: string): Json => (Object.hasOwn(obj, k) ? obj[k]! : null);
    switch (m.op) {
      case "drop":
        if (Array.isArray(node)) node.splice(Number(key), 1);
        else delete obj[key];
        break;
      case "replace":
        // Sometimes a new key, so unexpected fields appear too.
        // A copy: the generated values (HOSTILE's objects) are shared between runs.
        if (!Array.isArray(node) && m.extra < 0.15) Object.defineProperty(obj, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
        else obj[key] = structuredClone(m.value);
        break;
      case "retype":
        obj[key] = retype(own(key));
        break;
      case "wrap":
        obj[key] = [own(key)];
        break;
      case "duplicate":
        if (Array.isArray(node)) node.push(...structuredClone(node));
        else obj[`${key}_copy`] = structuredClone(own(key));
        break;
      case "emptyContainer":
        obj[key] = Array.isArray(own(key)) ? [] : {};
        break;
      case "swapKeys": {
        const other = keys[(keys.indexOf(key) + 1) % keys.length];
        if (other !== undefined) [obj[key], obj[other]] = [own(other), own(key)];
        break;
      }
    }
  }
  return root;
}

/** A real payload mutated by 1-5 random edits. */
export function mutatedJson(seed: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc.tuple(seed, fc.array(mutation, { minLength: 1, maxLength: 5 })).map(([json, ms]) => applyMutations(json, ms));
}
