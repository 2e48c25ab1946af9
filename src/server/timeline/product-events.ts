// Product events (from the events API) as timeline touchpoints: a readable
// one-line text for the timeline and search, the properties kept as payload.
import type { TouchpointInput } from "@/server/ingest/touchpoint";
import type { IdentityClaim } from "@/server/customers/identity";

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" ? String(v) : null);
const norm = (name: string) => name.toLowerCase().replace(/[\s.-]+/g, "_");

const VIEW = new Set(["page_view", "pageview", "page_viewed", "viewed_page", "view"]);
const SIGNUP = new Set(["signup", "sign_up", "signed_up", "registered", "registration"]);
const LOGIN = new Set(["login", "log_in", "logged_in", "sign_in", "signed_in"]);

/** "Purchased Pro plan — 99.00 USD", "Viewed /pricing", "Signed up", "Event trial_started". */
export function describeProductEvent(name: string, properties: Record<string, unknown> = {}): string {
  const n = norm(name);
  let text: string;
  // Exactly "purchase": the one name that also raises lifetime value (see ingest).
  if (name === "purchase") {
    const plan = str(properties.plan);
    const what = plan ? (/\bplan$/i.test(plan) ? plan : `${plan} plan`) : str(properties.product) ?? str(properties.item) ?? str(properties.sku) ?? str(properties.name);
    const amount = typeof properties.amount === "number" && Number.isFinite(properties.amount) ? properties.amount.toFixed(2) : null;
    const currency = str(properties.currency)?.toUpperCase() ?? null;
    const price = amount ? ` — ${amount}${currency ? ` ${currency}` : ""}` : "";
    text = `Purchased${what ? ` ${what}` : ""}${price}`;
  } else if (VIEW.has(n)) {
    const where = str(properties.path) ?? str(properties.url) ?? str(properties.page) ?? str(properties.title);
    text = where ? `Viewed ${where}` : "Viewed a page";
  } else if (SIGNUP.has(n)) {
    const plan = str(properties.plan);
    text = plan ? `Signed up (${plan})` : "Signed up";
  } else if (LOGIN.has(n)) {
    text = "Logged in";
  } else {
    text = `Event ${name}`;
  }
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

export type ProductEventInput = {
  customer: { email?: string; externalId?: string; phone?: string; name?: string };
  name: string;
  occurredAt?: Date;
  properties?: Record<string, unknown>;
  /** Already scoped by the caller (e.g. "api:<apiKeyId>:<idempotencyKey>"). */
  dedupeKey?: string;
  source: string;
};

/** The touchpoint for a product event sent by a trusted caller (an API key holder). */
export function productEventTouchpoint(e: ProductEventInput): TouchpointInput {
  const identities: IdentityClaim[] = [];
  if (e.customer.externalId) identities.push({ kind: "external_id", value: e.customer.externalId, verified: true, source: e.source });
  if (e.customer.email) identities.push({ kind: "email", value: e.customer.email, verified: true, source: e.source });
  if (e.customer.phone) identities.push({ kind: "phone", value: e.customer.phone, verified: true, source: e.source });
  const name = e.name.trim();
  return {
    identities,
    customerName: e.customer.name ?? null,
    channel: "api",
    kind: "product_event",
    actor: "customer",
    occurredAt: e.occurredAt,
    name,
    text: describeProductEvent(name, e.properties),
    payload: e.properties ?? {},
    dedupeKey: e.dedupeKey,
  };
}
