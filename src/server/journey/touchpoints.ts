// What a "touchpoint" is, and the one count of them that every screen shows
// (the single view's sidebar, the journey map's header). docs/journey.md,
// "Touchpoints":
//
//   every entry on the customer's timeline — messages both ways, notes,
//   ticket changes, product events, survey answers, article views — that
//   the viewer may see (outside any inbox, or in one of their teams'),
//   except journey_stage entries: those are derived from touchpoints
//   (drawn as the stage track), not contacts with the customer.
import { db, Prisma } from "@/server/db";
import type { InboxScope } from "@/server/customers/visibility";

/** Counted up to this: the figure must cost the same at a million events (shown as "100,000+"). */
export const TOUCHPOINT_COUNT_CAP = 100_000;

/** The condition on `timeline_events e` that makes a row a touchpoint this viewer may see. */
export function touchpointWhere(customerId: string, inboxScope: InboxScope): Prisma.Sql {
  const scope = inboxScope === "all" ? Prisma.empty : Prisma.sql`AND (e.inbox_id IS NULL OR e.inbox_id = ANY(${inboxScope}::uuid[]))`;
  return Prisma.sql`e.customer_id = ${customerId}::uuid AND e.kind <> 'journey_stage' ${scope}`;
}

export async function countTouchpoints(customerId: string, inboxScope: InboxScope): Promise<{ count: number; capped: boolean }> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM timeline_events e WHERE ${touchpointWhere(customerId, inboxScope)} LIMIT ${TOUCHPOINT_COUNT_CAP + 1}) s`;
  const n = row?.n ?? 0;
  return { count: Math.min(n, TOUCHPOINT_COUNT_CAP), capped: n > TOUCHPOINT_COUNT_CAP };
}
