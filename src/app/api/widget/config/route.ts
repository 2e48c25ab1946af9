// GET /api/widget/config?inbox=<publicId> → the widget's public settings:
// { inbox, name, color, greeting, preChatForm, trackPageViews,
//   requireVerifiedIdentity, offlineMessage, online }. 404 for an unknown inbox,
// 403 origin_not_allowed for a page outside the inbox's allowed origins.
import { findWidgetInbox, publicConfig } from "@/server/channels/widget/config";
import { corsHeaders, json, preflight, problem, refuseOrigin } from "@/server/channels/widget/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(req: Request) {
  const publicId = new URL(req.url).searchParams.get("inbox") ?? "";
  if (!publicId) return problem(400, "invalid_request", "The inbox parameter is required.");
  const inbox = await findWidgetInbox(publicId);
  if (!inbox) return problem(404, "unknown_inbox", "No chat inbox with this id.");
  const refused = refuseOrigin(req, inbox);
  if (refused) return refused;
  return json(publicConfig(inbox), 200, { "cache-control": "public, max-age=15" }, corsHeaders(req, inbox));
}

export const OPTIONS = preflight;
