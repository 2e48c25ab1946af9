// GET /api/v1/customers/:id/timeline?limit=50&cursor=…&channel=email,chat&kind=message&conversationId=&from=&to=
// → { items: [...], nextCursor } newest first by (occurredAt, id), keyset-paged
// (see the timeline page contract in docs).
import { z } from "zod";
import { customerExists } from "@/server/customers/lookup";
import { requireApiKey } from "@/server/http/auth";
import { handleApi, HttpError, json } from "@/server/http/errors";
import { decodeCursor } from "@/server/timeline/cursor";
import { listTimeline, MAX_PAGE, TIMELINE_CHANNELS, TIMELINE_KINDS } from "@/server/timeline/query";
import { toApiItem } from "@/server/timeline/api-shape";
import { isUuid } from "@/server/timeline/ids";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

function list<T extends string>(param: string, raw: string | null, allowed: readonly T[]): T[] | undefined {
  if (raw === null) return undefined;
  const values = raw.split(",").map((v) => v.trim()).filter(Boolean);
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad !== undefined || values.length === 0) {
    throw new HttpError(400, "invalid_parameter", `${param} must be a comma-separated list of: ${allowed.join(", ")}${bad ? ` (got "${bad.slice(0, 40)}")` : ""}.`);
  }
  return [...new Set(values)] as T[];
}

function date(param: string, raw: string | null): Date | undefined {
  if (raw === null) return undefined;
  if (!z.iso.datetime({ offset: true }).safeParse(raw).success && !z.iso.date().safeParse(raw).success) {
    throw new HttpError(400, "invalid_parameter", `${param} must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z.`);
  }
  return new Date(raw);
}

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleApi(async () => {
    await requireApiKey(req, "customers:read");
    const { id } = await ctx.params;
    const p = new URL(req.url).searchParams;

    let limit = 50;
    if (p.has("limit")) {
      const raw = p.get("limit") ?? "";
      limit = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw new HttpError(400, "invalid_parameter", `limit must be an integer from 1 to ${MAX_PAGE}.`);
      }
    }
    const cursor = p.get("cursor") || null;
    if (cursor) decodeCursor(cursor); // throws InvalidCursorError → 400
    const channels = list("channel", p.get("channel"), TIMELINE_CHANNELS);
    const kinds = list("kind", p.get("kind"), TIMELINE_KINDS);
    const conversationId = p.get("conversationId") ?? undefined;
    if (conversationId !== undefined && !isUuid(conversationId)) throw new HttpError(400, "invalid_parameter", "conversationId must be a conversation id (UUID).");
    const from = date("from", p.get("from"));
    const to = date("to", p.get("to"));
    if (from && to && from > to) throw new HttpError(400, "invalid_parameter", "from must not be after to.");

    if (!isUuid(id)) throw new HttpError(404, "not_found", "No customer with this id.");
    // Both at once: the existence check costs no extra round trip.
    const [exists, page] = await Promise.all([customerExists(id), listTimeline({ customerId: id, limit, cursor, channels, kinds, conversationId, from, to, inboxScope: "all" })]);
    if (!exists) throw new HttpError(404, "not_found", "No customer with this id.");
    return json({ items: page.items.map(toApiItem), nextCursor: page.nextCursor });
  });
}
