// pageview {url, title?}: a "page_view" product event, unless the inbox turned tracking off.
import type { Acks, ClientEvents } from "../protocol";
import { recordPageView } from "../service";
import type { WidgetEventContext } from "./context";

export async function onPageview(ctx: WidgetEventContext, input: ClientEvents["pageview"]): Promise<Acks["pageview"]> {
  if (!ctx.inbox.settings.trackPageViews) return { skipped: true };
  const r = await recordPageView(ctx.session, input);
  await ctx.afterWrite(r.customerId);
  return { id: r.eventId };
}
