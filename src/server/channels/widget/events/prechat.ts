// prechat {name?, email?}: the visitor's name and an unverified email claim.
import type { Acks, ClientEvents } from "../protocol";
import { savePrechat } from "../service";
import type { WidgetEventContext } from "./context";

export async function onPrechat(ctx: WidgetEventContext, input: ClientEvents["prechat"]): Promise<Acks["prechat"]> {
  const s = ctx.session;
  const r = await savePrechat(s, input);
  // The session speaks with the answers from now on (a verified email is never replaced).
  if (r.name) s.name = r.name;
  if (r.email && !s.verified?.email) s.claimedEmail = r.email;
  await ctx.afterWrite(r.customerId);
  return { name: s.name, email: s.verified?.email ?? s.claimedEmail };
}
