// Attributes of two merged customers: the union, the survivor's value kept
// where both have the key with different values, and each such conflict
// recorded in the merge's snapshot so the profile can show what was set
// aside (docs/journey.md, "Merging customers"). Undoing the merge drops the
// conflicts with it: they are read from merges still in place.
import { db } from "@/server/db";

export type AttributeConflict = { key: string; kept: unknown; other: unknown };

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** Order-insensitive JSON equality (jsonb does not keep key order). */
export function sameJson(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(",")}}`;
  return JSON.stringify(v ?? null);
}

/** The survivor's attributes win; the other's fill the gaps; differing values are conflicts (sorted by key). */
export function mergeAttributes(survivor: Record<string, unknown>, other: Record<string, unknown>): { attributes: Record<string, unknown>; conflicts: AttributeConflict[] } {
  const conflicts = Object.keys(other)
    .filter((k) => k in survivor && !sameJson(survivor[k], other[k]))
    .sort()
    .map((key) => ({ key, kept: survivor[key], other: other[key] }));
  return { attributes: { ...other, ...survivor }, conflicts };
}

export type ProfileAttributeConflict = AttributeConflict & { mergeId: string; mergedAt: Date };

/** The conflicts of the merges into this customer that are still in place, newest merge first. */
export async function attributeConflictsOf(customerId: string): Promise<ProfileAttributeConflict[]> {
  const merges = await db.customerMerge.findMany({
    where: { targetId: customerId, undoneAt: null },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { id: true, createdAt: true, snapshot: true },
  });
  return merges.flatMap((m) => {
    const list = (m.snapshot as { attributeConflicts?: AttributeConflict[] } | null)?.attributeConflicts ?? [];
    return list.map((c) => ({ key: c.key, kept: c.kept, other: c.other, mergeId: m.id, mergedAt: m.createdAt }));
  });
}
