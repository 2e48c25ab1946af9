// PostgreSQL refuses NUL in text and jsonb, and lone UTF-16 surrogates in
// jsonb ("\ud800" is invalid JSON to it). Both arrive from outside: a JSON
// "\u0000" escape in a platform payload, broken bytes or charsets in an email.
// Left in, the write fails like a database fault (5xx) and the sender retries
// the same bytes for ever; so inbound channels clean them on the way in (the
// events API, whose caller can fix its request, refuses them per item instead).
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The string without NUL characters, lone surrogates replaced by U+FFFD. */
export function storableText(value: string): string {
  return value.replace(NUL, "").replace(LONE_SURROGATE, "\ufffd");
}

/**
 * A payload value as text for a reason or log line, made storable; objects as
 * (at most 200 characters of) JSON. Never throws: String() does on an object
 * without a callable toString (the JSON {"toString": 0}), JSON.stringify on a
 * BigInt or a cycle.
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (value === null || (typeof value !== "object" && typeof value !== "function")) text = String(value);
  else {
    try {
      text = (JSON.stringify(value) ?? Object.prototype.toString.call(value)).slice(0, 200);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  // After the cut: it may split a surrogate pair.
  return storableText(text);
}

/** A deep copy with every string (object keys too) made storable; Buffers, Dates and other instances are kept as they are. */
export function storableDeep<T>(value: T): T {
  if (typeof value === "string") return storableText(value) as T;
  if (Array.isArray(value)) return value.map(storableDeep) as T;
  if (value && typeof value === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    // fromEntries defines own properties: a "__proto__" key from JSON stays a key.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableDeep(v)])) as T;
  }
  return value;
}

/** The path of the first string (or object key) PostgreSQL would refuse, or null: for APIs that answer 400 rather than clean. */
export function unstorablePath(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  const bad = (s: string) => UNSTORABLE.test(s);
  if (typeof value === "string") return bad(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = unstorablePath(v, [...path, i]);
      if (found) return found;
    }
    return null;
  }
  // Plain objects only: Buffers (attachment bytes), Dates and other instances are not text.
  if (value && typeof value === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    for (const [k, v] of Object.entries(value)) {
      if (bad(k)) return [...path, k];
      const found = unstorablePath(v, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}
