// GET /api/v1/customers/:id → the customer (404 if unknown). A merged-away
// customer is returned with mergedIntoId set, so clients can follow it.
import { getCustomerView } from "@/server/customers/lookup";
import { requireApiKey } from "@/server/http/auth";
import { handleApi, HttpError, json } from "@/server/http/errors";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleApi(async () => {
    await requireApiKey(req, "customers:read");
    const { id } = await ctx.params;
    const customer = await getCustomerView(id);
    if (!customer) throw new HttpError(404, "not_found", "No customer with this id.");
    return json(customer);
  });
}
