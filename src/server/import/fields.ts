// Field shapes both platforms' exports share: ids that are numbers or
// strings, and times as ISO 8601 text or Unix seconds.
import { z } from "zod";

/** A platform id, as text ("12345"). */
export const externalId = z.union([z.number().int(), z.string().trim().min(1)]).transform(String);

/** ISO 8601 text ("2025-03-04T09:12:33Z", "2025-03-04 09:12:33 UTC") or Unix seconds. */
export const timestamp = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const d = typeof v === "number" ? new Date(v * 1000) : new Date(v.trim().replace(/ UTC$/, "Z").replace(/^(\d{4}-\d\d-\d\d) /, "$1T"));
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1970 || d.getUTCFullYear() > 9999) {
    ctx.addIssue({ code: "custom", message: `not a valid time: ${String(v).slice(0, 40)}` });
    return z.NEVER;
  }
  return d;
});

/** Optional text that may be null or blank in an export: null then. */
export const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v?.trim() ? v.trim() : null));
