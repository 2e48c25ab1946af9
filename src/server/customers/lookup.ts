// Finding customers by id or identity, in the shape the public API returns.
import { prepared } from "@/server/db/pg";
import { normalizeIdentity, type IdentityKindName } from "./normalize";
import { isUuid } from "@/server/db/ids";

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

// The public API's customer reads are hot (integrations look a customer up
// before every write): one prepared statement each over pg, the identities
// aggregated in the same row, instead of Prisma's query path.
const CUSTOMER_COLUMNS = `
  c.id, c.name, c.attributes, c.journey_stage::text AS journey_stage, c.lifetime_value::text AS lifetime_value,
  c.merged_into_id, c.last_seen_at, c.created_at,
  COALESCE((SELECT json_agg(json_build_object('kind', i.kind, 'value', i.value, 'verified', i.verified) ORDER BY i.created_at, i.id)
            FROM customer_identities i WHERE i.customer_id = c.id), '[]'::json) AS identities`;

export const CUSTOMER_BY_ID_SQL = `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = $1::uuid AND c.erased_at IS NULL`;

// The identity's owner, then up the merge chain to the survivor (identities
// move with merges; the chain only guards against a half-finished history).
export const CUSTOMER_BY_IDENTITY_SQL = `
  WITH RECURSIVE chain(id, merged_into_id, depth, path) AS (
    SELECT c.id, c.merged_into_id, 0, ARRAY[c.id]
    FROM customer_identities ci JOIN customers c ON c.id = ci.customer_id
    WHERE ci.kind = $1::"IdentityKind" AND ci.value = $2
    UNION ALL
    SELECT c.id, c.merged_into_id, chain.depth + 1, chain.path || c.id
    FROM chain JOIN customers c ON c.id = chain.merged_into_id
    WHERE chain.depth < 32 AND NOT c.id = ANY(chain.path)
  )
  SELECT ${CUSTOMER_COLUMNS} FROM customers c
  WHERE c.id = (SELECT id FROM chain ORDER BY depth DESC LIMIT 1) AND c.erased_at IS NULL`;

type Row = {
  id: string;
  name: string | null;
  attributes: unknown;
  journey_stage: string | null;
  lifetime_value: string;
  merged_into_id: string | null;
  last_seen_at: Date | null;
  created_at: Date;
  identities: { kind: IdentityKindName; value: string; verified: boolean }[];
};

function view(c: Row): CustomerView {
  return {
    id: c.id,
    name: c.name,
    identities: c.identities.map((i) => ({ kind: i.kind, value: i.value, verified: i.verified })),
    attributes: c.attributes && typeof c.attributes === "object" && !Array.isArray(c.attributes) ? (c.attributes as Record<string, unknown>) : {},
    journeyStage: c.journey_stage,
    lifetimeValue: Number(c.lifetime_value),
    mergedIntoId: c.merged_into_id,
    lastSeenAt: c.last_seen_at?.toISOString() ?? null,
    createdAt: c.created_at.toISOString(),
  };
}

/** The customer with this id (merged-away and erased customers included, as they are). */
export async function getCustomerView(id: string): Promise<CustomerView | null> {
  if (!isUuid(id)) return null;
  const [c] = await prepared<Row>("customer_by_id_v1", CUSTOMER_BY_ID_SQL, [id]);
  return c ? view(c) : null;
}

/** Customers owning this identity: zero or one (an identity belongs to one customer). */
export async function findCustomersByIdentity(kind: IdentityKindName, rawValue: string): Promise<CustomerView[]> {
  const value = normalizeIdentity(kind, rawValue); // throws InvalidIdentityError
  const [c] = await prepared<Row>("customer_by_identity_v1", CUSTOMER_BY_IDENTITY_SQL, [kind, value]);
  return c ? [view(c)] : [];
}
