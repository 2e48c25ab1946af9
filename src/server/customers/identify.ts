// Identify: what an integrator's own system knows about a customer (REST v1
// POST /api/v1/identify, the SDK's identify()). Finds the customer by the
// identities given — or creates them — and sets the name and attributes.
// Attributes are merged key by key (a key set to null is removed); identities
// only ever link to this customer (a claim that belongs to another customer
// is reported as a possible duplicate, never merged).
import { runTransaction } from "@/server/db/tx";
import { bus } from "@/server/events/bus";
import { resolveCustomer, type IdentityClaim } from "./identity";
import { getCustomerView, type CustomerView } from "./lookup";

export type IdentifyInput = {
  claims: IdentityClaim[];
  name?: string | null;
  /** Merged into the customer's attributes; null removes a key. */
  attributes?: Record<string, unknown>;
};

export type IdentifyResult = { customer: CustomerView; created: boolean; conflicts: string[] };

export async function identifyCustomer(input: IdentifyInput): Promise<IdentifyResult> {
  const outcome = await runTransaction(async (tx) => {
    const r = await resolveCustomer(tx, input.claims, input.name);
    const changes: Record<string, unknown> = {};
    const [row] = await tx.$queryRaw<{ name: string | null; attributes: Record<string, unknown> }[]>`
      SELECT name, attributes FROM customers WHERE id = ${r.customerId}::uuid FOR UPDATE`;
    const name = input.name?.trim() || null;
    const attributes = { ...(row?.attributes ?? {}) };
    let attributesChanged = false;
    for (const [k, v] of Object.entries(input.attributes ?? {})) {
      if (v === null) {
        if (k in attributes) {
          delete attributes[k];
          attributesChanged = true;
        }
      } else if (JSON.stringify(attributes[k]) !== JSON.stringify(v)) {
        attributes[k] = v;
        attributesChanged = true;
      }
    }
    if (name && name !== row?.name) changes.name = name;
    if (attributesChanged) changes.attributes = attributes;
    if (Object.keys(changes).length) {
      await tx.$executeRaw`
        UPDATE customers SET name = COALESCE(${changes.name ?? null}::text, name), attributes = COALESCE(${attributesChanged ? JSON.stringify(attributes) : null}::jsonb, attributes), updated_at = now()
        WHERE id = ${r.customerId}::uuid`;
    }
    return { resolved: r, changes };
  });
  const { resolved, changes } = outcome;
  if (resolved.created) bus.publish({ type: "customer.created", customerId: resolved.customerId });
  if (Object.keys(changes).length) bus.publish({ type: "customer.updated", customerId: resolved.customerId, changes });
  const customer = (await getCustomerView(resolved.customerId))!;
  return { customer, created: resolved.created, conflicts: resolved.conflicts };
}
