// GET /api/widget/attachments/:id?e=<expiry>&s=<signature> → the bytes of an
// attachment of a visitor's conversation. The links are signed and expiring;
// the socket hands them out only with messages the visitor may see. An <img>
// sends no Origin; a fetch from a page outside the inbox's allowed origins is
// refused (403 origin_not_allowed).
import { db } from "@/server/db";
import { widgetInboxById } from "@/server/channels/widget/config";
import { corsHeaders, problem, refuseOrigin } from "@/server/channels/widget/http";
import { verifyAttachmentSignature } from "@/server/channels/widget/identity";
import { ALLOWED_IMAGE_TYPES } from "@/server/channels/widget/uploads";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const params = new URL(req.url).searchParams;
  if (!/^[0-9a-f-]{36}$/i.test(id) || !verifyAttachmentSignature(id, params.get("e"), params.get("s"))) {
    return problem(403, "forbidden", "This link is invalid or has expired.");
  }
  const a = await db.attachment.findUnique({
    where: { id },
    select: { filename: true, contentType: true, size: true, data: true, message: { select: { isNote: true, deletedAt: true, inboxId: true } } },
  });
  if (!a || !a.data || !a.message || a.message.isNote || a.message.deletedAt) return problem(404, "not_found", "No such attachment.");
  const inbox = await widgetInboxById(a.message.inboxId);
  const refused = inbox && refuseOrigin(req, inbox);
  if (refused) return refused;
  const image = (ALLOWED_IMAGE_TYPES as readonly string[]).includes(a.contentType);
  const name = encodeURIComponent(a.filename);
  return new Response(new Uint8Array(a.data), {
    headers: {
      ...corsHeaders(req, inbox),
      "content-type": image ? a.contentType : "application/octet-stream",
      "content-length": String(a.data.length),
      "content-disposition": `${image ? "inline" : "attachment"}; filename*=UTF-8''${name}`,
      "cache-control": "private, max-age=3600",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
}
