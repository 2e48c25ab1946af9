// Attachment download for signed-in agents who may see the message's inbox.
// Bytes from customers are untrusted: only a few types are served as
// themselves (images, PDF), everything else as application/octet-stream; never
// sniffed, always sandboxed, and only images inline.
import { db } from "@/server/db";
import { viewerFromCookieHeader } from "@/server/auth/session";
import { canSeeInbox } from "@/server/auth/viewer";
import { isUuid } from "@/server/db/ids";
import type { RouteContext } from "../route-context";

const INLINE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const SAFE_TYPES = new Set([...INLINE_IMAGES, "application/pdf"]);

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff" } });
}

/** RFC 6266 / 5987: an ASCII fallback and the exact UTF-8 name. */
function disposition(kind: "inline" | "attachment", filename: string) {
  const clean = filename.replace(/[\u0000-\u001f\u007f"\\/]+/g, "_").trim() || "attachment";
  const ascii = clean.replace(/[^\x20-\x7e]/g, "_");
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export async function getAttachment(req: Request, ctx: RouteContext<"id">) {
  const viewer = await viewerFromCookieHeader(req.headers.get("cookie") ?? undefined);
  if (!viewer) return json(401, { error: "unauthorized", message: "Sign in first" });
  const { id } = await ctx.params;
  if (!isUuid(id)) return json(404, { error: "not_found" });
  const attachment = await db.attachment.findUnique({
    where: { id },
    select: { filename: true, contentType: true, size: true, data: true, message: { select: { inboxId: true } } },
  });
  // Someone else's inbox looks exactly like a missing attachment.
  if (!attachment?.message || !(await canSeeInbox(viewer, attachment.message.inboxId))) return json(404, { error: "not_found" });
  if (!attachment.data) return json(404, { error: "not_found", message: "The file is kept by the platform, not here" });

  const type = attachment.contentType.split(";")[0]!.trim().toLowerCase();
  const served = SAFE_TYPES.has(type) ? type : "application/octet-stream";
  const bytes = Buffer.from(attachment.data);
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: {
      "content-type": served,
      "content-length": String(bytes.length),
      "content-disposition": disposition(INLINE_IMAGES.has(type) ? "inline" : "attachment", attachment.filename),
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
      "cache-control": "private, max-age=300",
      "cross-origin-resource-policy": "same-origin",
    },
  });
}
