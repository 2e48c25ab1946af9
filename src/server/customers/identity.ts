// Identity resolution: which customer is this? Every touchpoint names the
// customer by the identities it carries (email, phone, platform ids, the
// widget's visitor id, the company's own user id). We find the customers that
// own them and link new identities to the one we pick, recording where each
// link came from.
//
// Two rules keep the identity graph trustworthy:
// - never auto-merge: when claims point at two different customers we pick
//   the strongest and leave a duplicate suggestion for an agent;
// - an unverified claim never links a new identity to an existing customer
//   (typing someone's email into a chat form does not make you them).
import { db, type Prisma } from "@/server/db";
import { uuidv7 } from "@/server/db/ids";
import { RetryTransaction, type Tx } from "@/server/db/tx";
import { IDENTITY_KINDS, InvalidIdentityError, normalizeIdentity, type IdentityKindName } from "./normalize";

export type IdentityClaim = { kind: IdentityKindName; value: string; verified?: boolean; source: string };

export type ResolveRequest =
  | { claims: IdentityClaim[]; name?: string | null }
  // A known customer (an id given by a caller, or a conversation's customer).
  | { customerId: string; originCustomerId?: string; name?: string | null };

export type ResolvedCustomer = {
  /** The current customer (merge chains followed). */
  customerId: string;
  /** Lineage for exact merge undo: the origin of the identity (or id) that resolved it. */
  originCustomerId: string;
  created: boolean;
  /** Other customers the claims point at: suggested duplicates, never merged. */
  conflicts: string[];
};

export class UnknownCustomerError extends Error {
  constructor(public customerId: string) {
    super(`unknown customer ${customerId}`);
  }
}

// Which claim wins when claims point at different customers (also the fast ingest path's anchor).
export const STRENGTH: Record<IdentityKindName, number> = {
  external_id: 0,
  email: 1,
  phone: 2,
  messenger_psid: 3,
  instagram_id: 3,
  whatsapp_wa_id: 3,
  telegram_user_id: 3,
  x_user_id: 3,
  widget_visitor: 4,
};

export const DUPLICATE_ACTION = "customer.duplicate_suspected";

type Claim = { kind: IdentityKindName; value: string; verified: boolean; source: string };
type Owned = { id: string; customerId: string; originCustomerId: string; verified: boolean };
type IdentityRow = { id: string; kind: IdentityKindName; value: string; customer_id: string; origin_customer_id: string; verified: boolean };

const keyOf = (kind: string, value: string) => `${kind}\u0000${value}`;

/** Normalises and de-duplicates claims; throws InvalidIdentityError on a bad value. */
export function normalizeClaims(claims: IdentityClaim[]): Claim[] {
  const out = new Map<string, Claim>();
  for (const c of claims) {
    if (!(IDENTITY_KINDS as readonly string[]).includes(c.kind)) throw new InvalidIdentityError(String(c.kind), `unknown identity kind ${String(c.kind)}`);
    if (typeof c.value !== "string") throw new InvalidIdentityError(c.kind, `invalid ${c.kind}`);
    const value = normalizeIdentity(c.kind, c.value);
    const k = keyOf(c.kind, value);
    const prev = out.get(k);
    if (prev) prev.verified ||= c.verified === true;
    else out.set(k, { kind: c.kind, value, verified: c.verified === true, source: (c.source || "unknown").slice(0, 64) });
  }
  return [...out.values()];
}

async function lookupIdentities(tx: Tx, claims: Claim[]): Promise<Map<string, IdentityRow>> {
  const map = new Map<string, IdentityRow>();
  if (claims.length === 0) return map;
  // One probe of the unique (kind, value) index per claim. As a plain join the
  // planner picked the trigram index on value (7–15 ms per identity); the
  // ORDER BY matching the unique index keeps it on the btree.
  const rows = await tx.$queryRaw<IdentityRow[]>`
    SELECT i.id, i.kind::text AS kind, i.value, i.customer_id, i.origin_customer_id, i.verified
    FROM unnest(${claims.map((c) => c.kind)}::"IdentityKind"[], ${claims.map((c) => c.value)}::text[]) AS q(kind, value)
    CROSS JOIN LATERAL (
      SELECT * FROM customer_identities ci WHERE ci.kind = q.kind AND ci.value = q.value ORDER BY ci.kind, ci.value LIMIT 1
    ) i`;
  for (const r of rows) map.set(keyOf(r.kind, r.value), r);
  return map;
}

/** id → surviving customer id (follows mergedIntoId); unknown ids are absent. */
export async function followMergeChains(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  const parent = new Map<string, string | null>();
  let frontier = [...new Set(ids)];
  for (let depth = 0; frontier.length > 0 && depth < 32; depth++) {
    const rows = await tx.$queryRaw<{ id: string; merged_into_id: string | null }[]>`
      SELECT id, merged_into_id FROM customers WHERE id = ANY(${frontier}::uuid[])`;
    for (const r of rows) parent.set(r.id, r.merged_into_id);
    frontier = [...new Set(rows.map((r) => r.merged_into_id).filter((p): p is string => !!p && !parent.has(p)))];
  }
  const roots = new Map<string, string>();
  for (const id of new Set(ids)) {
    let cur: string | null | undefined = id;
    const seen = new Set<string>();
    while (cur && parent.get(cur) && !seen.has(cur)) {
      seen.add(cur);
      cur = parent.get(cur);
    }
    if (cur && parent.has(cur)) roots.set(id, cur);
  }
  return roots;
}

/** Resolves (or creates) one customer from identity claims. */
export async function resolveCustomer(tx: Tx, claims: IdentityClaim[], name?: string | null): Promise<ResolvedCustomer> {
  const [r] = await resolveCustomers(tx, [{ claims, name }]);
  return r!;
}

/**
 * Resolves many requests with a handful of queries (the events API sends up to
 * a thousand at once). Requests are decided in order, so two in the same batch
 * that introduce the same new email end up on one new customer.
 */
export async function resolveCustomers(tx: Tx, requests: ResolveRequest[]): Promise<ResolvedCustomer[]> {
  const claimSets = requests.map((r) => ("claims" in r ? normalizeClaims(r.claims) : null));
  claimSets.forEach((set) => {
    if (set && set.length === 0) throw new InvalidIdentityError("none", "at least one identity is needed to find the customer");
  });
  const allClaims = [...new Map(claimSets.flatMap((s) => s ?? []).map((c) => [keyOf(c.kind, c.value), c])).values()];

  for (let round = 0; ; round++) {
    const found = await lookupIdentities(tx, allClaims);
    const directIds = requests.flatMap((r) => ("customerId" in r ? [r.customerId] : []));
    const roots = await followMergeChains(tx, [...directIds, ...[...found.values()].map((r) => r.customer_id)]);

    // What we know about each identity as decisions are made (new links included).
    const owned = new Map<string, Owned>();
    for (const [k, r] of found) {
      const root = roots.get(r.customer_id);
      if (root) owned.set(k, { id: r.id, customerId: root, originCustomerId: r.origin_customer_id, verified: r.verified });
    }

    const results: ResolvedCustomer[] = [];
    const newCustomers = new Map<string, string | null>();
    const newIdentities: Prisma.CustomerIdentityCreateManyInput[] = [];
    const upgrades = new Set<string>();
    const nameFills = new Map<string, string>();
    const conflictPairs: { a: string; b: string; claim: Claim }[] = [];

    requests.forEach((req, i) => {
      const name = req.name?.trim() ? req.name.trim().slice(0, 200) : null;
      if ("customerId" in req) {
        const root = roots.get(req.customerId);
        if (!root) throw new UnknownCustomerError(req.customerId);
        if (name && !nameFills.has(root)) nameFills.set(root, name);
        results.push({ customerId: root, originCustomerId: req.originCustomerId ?? req.customerId, created: false, conflicts: [] });
        return;
      }
      const claims = claimSets[i]!;
      const ownedClaims = claims
        .filter((c) => owned.has(keyOf(c.kind, c.value)))
        .map((c) => ({ claim: c, ident: owned.get(keyOf(c.kind, c.value))! }))
        .sort((x, y) => STRENGTH[x.claim.kind] - STRENGTH[y.claim.kind]);
      const unowned = claims.filter((c) => !owned.has(keyOf(c.kind, c.value)));
      // The claim that says who this is: a verified one if any. An unverified
      // one may only attribute the touchpoint to its owner when nothing new
      // would be linked to that owner on its word; otherwise the newcomers get
      // a customer of their own and agents get a duplicate suggestion.
      const anchor = ownedClaims.find((o) => o.claim.verified) ?? (unowned.length === 0 ? ownedClaims[0] : undefined);

      let customerId: string;
      let originCustomerId: string;
      let created = false;
      if (anchor) {
        customerId = anchor.ident.customerId;
        originCustomerId = anchor.ident.originCustomerId;
        if (name && !nameFills.has(customerId)) nameFills.set(customerId, name);
      } else {
        customerId = uuidv7();
        originCustomerId = customerId;
        created = true;
        newCustomers.set(customerId, name);
      }
      for (const c of unowned) {
        const id = uuidv7();
        newIdentities.push({ id, customerId, originCustomerId, kind: c.kind, value: c.value, verified: c.verified, source: c.source });
        owned.set(keyOf(c.kind, c.value), { id, customerId, originCustomerId, verified: c.verified });
      }
      const conflicts = new Set<string>();
      for (const o of ownedClaims) {
        if (o.ident.customerId === customerId) {
          if (o.claim.verified && !o.ident.verified) {
            upgrades.add(o.ident.id);
            o.ident.verified = true;
          }
        } else if (!conflicts.has(o.ident.customerId)) {
          conflicts.add(o.ident.customerId);
          conflictPairs.push({ a: customerId, b: o.ident.customerId, claim: o.claim });
        }
      }
      results.push({ customerId, originCustomerId, created, conflicts: [...conflicts] });
    });

    // Lock the existing customers we are about to write to, so a merge (or its
    // undo, both take FOR UPDATE) cannot move their rows under us; then check
    // nothing moved while we were deciding. If something did, decide again.
    // KEY SHARE, not SHARE: it still lets concurrent touchpoints update the
    // customer's counters (a SHARE lock upgraded to an update would deadlock).
    const existing = [...new Set(results.map((r) => r.customerId).filter((id) => !newCustomers.has(id)))].sort();
    let stale = false;
    const names = new Map<string, string | null>();
    if (existing.length > 0) {
      const locked = await tx.$queryRaw<{ id: string; merged_into_id: string | null; name: string | null }[]>`
        SELECT id, merged_into_id, name FROM customers WHERE id = ANY(${existing}::uuid[]) ORDER BY id FOR KEY SHARE`;
      stale = locked.length !== existing.length || locked.some((l) => l.merged_into_id !== null);
      for (const l of locked) names.set(l.id, l.name);
      if (!stale && found.size > 0) {
        const again = await lookupIdentities(tx, allClaims);
        stale = again.size !== found.size || [...found].some(([k, r]) => again.get(k)?.customer_id !== r.customer_id);
      }
    }
    if (stale) {
      if (round >= 5) throw new RetryTransaction("customers kept moving while resolving identities");
      continue;
    }

    if (newCustomers.size > 0) {
      await tx.customer.createMany({ data: [...newCustomers].map(([id, name]) => ({ id, name })) });
    }
    if (newIdentities.length > 0) {
      // ON CONFLICT DO NOTHING waits for a concurrent insert of the same
      // identity; if that one committed we lost the race: start again and
      // resolve to the winner's customer.
      const { count } = await tx.customerIdentity.createMany({ data: newIdentities, skipDuplicates: true });
      if (count !== newIdentities.length) throw new RetryTransaction("identity linked concurrently");
    }
    if (upgrades.size > 0) {
      await tx.customerIdentity.updateMany({ where: { id: { in: [...upgrades] } }, data: { verified: true } });
    }
    for (const [id, name] of nameFills) {
      if (newCustomers.has(id)) continue;
      const current = names.get(id);
      if (current && current.trim()) continue;
      await tx.$executeRaw`UPDATE customers SET name = ${name}, updated_at = now() WHERE id = ${id}::uuid AND (name IS NULL OR btrim(name) = '')`;
    }
    if (conflictPairs.length > 0) await recordDuplicateSuspicions(tx, conflictPairs);
    return results;
  }
}

/** Remembers that claims linked two customers, for findDuplicateSuggestions (both directions). */
async function recordDuplicateSuspicions(tx: Tx, pairs: { a: string; b: string; claim: Claim }[]) {
  const rows: Prisma.AuditLogCreateManyInput[] = [];
  const seen = new Set<string>();
  for (const { a, b, claim } of pairs) {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      if (seen.has(`${x}|${y}`)) continue;
      seen.add(`${x}|${y}`);
      const exists = await tx.auditLog.findFirst({
        where: { targetType: "customer", targetId: x, action: DUPLICATE_ACTION, data: { path: ["otherCustomerId"], equals: y } },
        select: { id: true },
      });
      if (exists) continue;
      rows.push({
        actorType: "system",
        action: DUPLICATE_ACTION,
        targetType: "customer",
        targetId: x,
        data: { otherCustomerId: y, kind: claim.kind, value: claim.value, verified: claim.verified, source: claim.source },
      });
    }
  }
  if (rows.length > 0) await tx.auditLog.createMany({ data: rows });
}

export type DuplicateSuggestion = { customerId: string; name: string | null; reason: string };

/**
 * Customers that are probably the same person as this one, computed on the
 * fly: the same email/phone under another kind (a phone and a WhatsApp id, an
 * external id that is an email), the same name, or claims that pointed at both.
 * Every query is an indexed lookup, limited.
 */
export async function findDuplicateSuggestions(customerId: string, limit = 10): Promise<DuplicateSuggestion[]> {
  const me = await db.customer.findUnique({ where: { id: customerId }, include: { identities: true } });
  if (!me) return [];
  const reasons = new Map<string, { name: string | null; reasons: string[] }>();
  const add = (id: string, name: string | null, reason: string) => {
    if (id === customerId) return;
    const r = reasons.get(id) ?? { name, reasons: [] };
    if (!r.reasons.includes(reason)) r.reasons.push(reason);
    reasons.set(id, r);
  };

  const probes: { kind: IdentityKindName; value: string; reason: string }[] = [];
  for (const i of me.identities) {
    if (i.kind === "email") probes.push({ kind: "external_id", value: i.value, reason: `external id equals email ${i.value}` });
    if (i.kind === "phone") probes.push({ kind: "whatsapp_wa_id", value: i.value.replace(/^\+/, ""), reason: `WhatsApp number ${i.value}` });
    if (i.kind === "whatsapp_wa_id") probes.push({ kind: "phone", value: `+${i.value}`, reason: `phone number +${i.value}` });
    if (i.kind === "external_id" && i.value.includes("@")) probes.push({ kind: "email", value: i.value.trim().toLowerCase(), reason: `email equals external id ${i.value}` });
  }
  if (probes.length > 0) {
    const hits = await db.$queryRaw<{ kind: string; value: string; id: string; name: string | null }[]>`
      SELECT i.kind::text AS kind, i.value, c.id, c.name
      FROM customer_identities i
      JOIN unnest(${probes.map((p) => p.kind)}::"IdentityKind"[], ${probes.map((p) => p.value)}::text[]) AS q(kind, value)
        ON i.kind = q.kind AND i.value = q.value
      JOIN customers c ON c.id = i.customer_id
      WHERE c.id <> ${customerId}::uuid AND c.merged_into_id IS NULL AND c.erased_at IS NULL
      LIMIT ${limit * 2}`;
    for (const h of hits) {
      const p = probes.find((x) => x.kind === h.kind && x.value === h.value);
      add(h.id, h.name, `shares ${p?.reason ?? `${h.kind} ${h.value}`}`);
    }
  }

  const suspicions = await db.auditLog.findMany({
    where: { targetType: "customer", targetId: customerId, action: DUPLICATE_ACTION },
    orderBy: { createdAt: "desc" },
    take: limit * 2,
    select: { data: true },
  });
  const suspectIds = [
    ...new Set(suspicions.map((s) => (s.data as { otherCustomerId?: string }).otherCustomerId).filter((x): x is string => !!x)),
  ];
  if (suspectIds.length > 0) {
    const active = await db.customer.findMany({
      where: { id: { in: suspectIds }, mergedIntoId: null, erasedAt: null },
      select: { id: true, name: true },
    });
    for (const c of active) {
      const s = suspicions.find((x) => (x.data as { otherCustomerId?: string }).otherCustomerId === c.id)!.data as {
        kind?: string;
        value?: string;
        verified?: boolean;
        source?: string;
      };
      add(c.id, c.name, `claimed ${s.kind} ${s.value} (${s.verified ? "verified" : "unverified"}, via ${s.source}) that belongs to the other customer`);
    }
  }

  const name = me.name?.trim();
  // Three characters at least: the trigram index needs them, and shorter names say little.
  if (name && name.length >= 3) {
    const pattern = name.replace(/[\\%_]/g, (m) => `\\${m}`);
    const same = await db.$queryRaw<{ id: string; name: string | null }[]>`
      SELECT id, name FROM customers
      WHERE name ILIKE ${pattern} AND id <> ${customerId}::uuid AND merged_into_id IS NULL AND erased_at IS NULL
      ORDER BY created_at DESC LIMIT ${limit}`;
    for (const c of same) add(c.id, c.name, "same name");
  }

  return [...reasons]
    .slice(0, limit)
    .map(([id, r]) => ({ customerId: id, name: r.name, reason: r.reasons.join("; ") }));
}

