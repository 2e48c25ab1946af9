// Ids in console URLs (/conversations/<id>, /customers/<id>…): a malformed one
// names nothing, exactly like an unknown one, so the page shows the not-found
// notice before any query runs (the API would refuse it with BAD_REQUEST).
import { notFound } from "next/navigation";
import { z } from "zod";

// The same check as the routers' id inputs (z.string().uuid()).
const routeId = z.string().uuid();

export function idOrNotFound(raw: string): string {
  if (!routeId.safeParse(raw).success) notFound();
  return raw;
}
