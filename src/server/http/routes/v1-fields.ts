// Custom conversation fields over REST (src/server/fields/):
//   GET   /api/v1/conversations/:id/fields → { id, number, inboxId, customFields, missingRequired }
//   PATCH /api/v1/conversations/:id/fields { customFields: { key: value | null } } → the same,
//         validated by the same service as the console (400 naming the field; nothing stored).
// Each change is on the customer's timeline as a ticket change "via api".
import { requireApiKey } from "@/server/http/auth";
import { ONE_MB, readJsonBody } from "@/server/http/body";
import { formatZodError, handleApi, HttpError, json } from "@/server/http/errors";
import { getConversationFields, setConversationFields } from "@/server/fields/service";
import type { RouteContext } from "../route-context";
import { conversationFieldsPatchSchema } from "./v1.schema";

const NOT_FOUND = "No conversation with this id.";

async function answer(id: string) {
  const conv = await getConversationFields(id);
  if (!conv) throw new HttpError(404, "not_found", NOT_FOUND);
  return { id: conv.id, number: conv.number, inboxId: conv.inboxId, customFields: conv.customFields, missingRequired: conv.missingRequired.map((f) => ({ key: f.key, label: f.label })) };
}

export async function getConversationFieldValues(req: Request, ctx: RouteContext<"id">): Promise<Response> {
  return handleApi(async () => {
    await requireApiKey(req, "customers:read");
    const { id } = await ctx.params;
    return json(await answer(id));
  });
}

export async function patchConversationFieldValues(req: Request, ctx: RouteContext<"id">): Promise<Response> {
  return handleApi(async () => {
    const key = await requireApiKey(req, "events:write");
    const { id } = await ctx.params;
    const parsed = conversationFieldsPatchSchema.safeParse(await readJsonBody(req, ONE_MB));
    if (!parsed.success) throw new HttpError(400, "invalid_request", formatZodError(parsed.error));
    if (!(await getConversationFields(id))) throw new HttpError(404, "not_found", NOT_FOUND);
    // FieldError (unknown field, invalid value) → 400 with its code and message (errors.ts).
    await setConversationFields(id, parsed.data.customFields, { userId: null, name: key.name }, { inboxScope: "all", source: { via: "api", apiKeyId: key.id } });
    return json(await answer(id));
  });
}
