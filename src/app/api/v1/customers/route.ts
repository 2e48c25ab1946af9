// GET /api/v1/customers?email=|phone=|externalId=|identity=<kind>:<value>
// → { items: [customer] } (zero or one: an identity belongs to one customer).
import { findCustomersByIdentity } from "@/server/customers/lookup";
import { IDENTITY_KINDS, type IdentityKindName } from "@/server/customers/normalize";
import { requireApiKey } from "@/server/http/auth";
import { handleApi, HttpError, json } from "@/server/http/errors";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const FILTERS = ["email", "phone", "externalId", "identity"] as const;

export async function GET(req: Request): Promise<Response> {
  return handleApi(async () => {
    await requireApiKey(req, "customers:read");
    const params = new URL(req.url).searchParams;
    const given = FILTERS.filter((f) => params.has(f));
    if (given.length !== 1) {
      throw new HttpError(400, "invalid_filter", "Pass exactly one of email=, phone=, externalId= or identity=<kind>:<value>.");
    }
    const filter = given[0]!;
    const raw = params.get(filter) ?? "";
    let kind: IdentityKindName;
    let value: string;
    if (filter === "identity") {
      const sep = raw.indexOf(":");
      const k = sep > 0 ? raw.slice(0, sep) : "";
      if (!(IDENTITY_KINDS as readonly string[]).includes(k)) {
        throw new HttpError(400, "invalid_filter", `identity must be <kind>:<value> with kind one of ${IDENTITY_KINDS.join(", ")}.`);
      }
      kind = k as IdentityKindName;
      value = raw.slice(sep + 1);
    } else {
      kind = filter === "externalId" ? "external_id" : filter;
      value = raw;
    }
    if (!value.trim()) throw new HttpError(400, "invalid_filter", `${filter} must not be empty.`);
    return json({ items: await findCustomersByIdentity(kind, value) });
  });
}
