// Finding customers by id or identity, in the shape the public API returns.
import { db } from "@/server/db";
import { followMergeChains } from "./identity";
import { normalizeIdentity, type IdentityKindName } from "./normalize";
import { isUuid } from "@/server/timeline/ids";

export type CustomerView = {
  id: string;
  name: string | null;
  identities: { kind: IdentityKindName; value: string; verified: boolean }[];
  attributes: Record<string, unknown>;
  journeyStage: string | null;
  lifetimeValue: number;
  /** Set when this customer was merged into another; follow it to the survivor. */
  mergedIntoId: string | null;
  lastSeenAt: string | null;
  createdAt: string;
};

const include = { identities: { orderBy: [{ createdAt: "asc" as const }, { id: "asc" as const }] } };

type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;
function load(id: string) {
  return db.customer.findUnique({ where: { id }, include });
}

function view(c: Loaded): CustomerView {
  return {
    id: c.id,
    name: c.name,
    identities: c.identities.map((i) => ({ kind: i.kind, value: i.value, verified: i.verified })),
    attributes: c.attributes && typeof c.attributes === "object" && !Array.isArray(c.attributes) ? (c.attributes as Record<string, unknown>) : {},
    journeyStage: c.journeyStage,
    lifetimeValue: Number(c.lifetimeValue),
    mergedIntoId: c.mergedIntoId,
    lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}

/** The customer with this id (merged-away and erased customers included, as they are). */
export async function getCustomerView(id: string): Promise<CustomerView | null> {
  if (!isUuid(id)) return null;
  const c = await load(id);
  return c && !c.erasedAt ? view(c) : null;
}

/** Whether a customer with this id exists and was not erased (the cheap check before reading their timeline). */
export async function customerExists(id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok FROM customers WHERE id = ${id}::uuid AND erased_at IS NULL`;
  return rows.length > 0;
}

/** Customers owning this identity: zero or one (an identity belongs to one customer). */
export async function findCustomersByIdentity(kind: IdentityKindName, rawValue: string): Promise<CustomerView[]> {
  const value = normalizeIdentity(kind, rawValue); // throws InvalidIdentityError
  const ident = await db.customerIdentity.findUnique({ where: { kind_value: { kind, value } }, select: { customerId: true } });
  if (!ident) return [];
  // Identities move with merges; following the chain only guards against a half-finished history.
  const root = (await followMergeChains(db, [ident.customerId])).get(ident.customerId) ?? ident.customerId;
  const c = await load(root);
  return c && !c.erasedAt ? [view(c)] : [];
}
