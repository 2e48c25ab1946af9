// Inbound email over HTTP: POST a raw RFC 5322 message (Content-Type:
// message/rfc822) with "Authorization: Bearer <inbox token>". The same
// parsing, threading and idempotency as the SMTP server.
//   202 {id, eventId, conversationId, customerId, duplicate} — stored (or already stored)
//   400 empty body · 401 bad token · 413 too large · 415 wrong content type
//   422 not an acceptable message (e.g. no valid sender) · 503 database fault (retry)
// Errors have the REST API's one shape: {"error": {"code", "message"}}.
import { env } from "@/env";
import { findEmailInboxesByToken, type EmailInbox } from "@/server/channels/email/inboxes";
import { EmailRejectedError, ingestEmail, isTemporaryFailure } from "@/server/channels/email/inbound";
import { errorResponse, json } from "@/server/http/errors";

const ACCEPTED_TYPES = new Set(["message/rfc822", "text/plain", "application/octet-stream"]);

/** The body, or null when it exceeds the limit (read no further than that). */
async function readLimited(req: Request, max: number): Promise<Buffer | null> {
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function postInboundEmail(req: Request) {
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
  if (!auth) return errorResponse(401, "unauthorized", "Authorization: Bearer <inbox token> is required", { headers: { "www-authenticate": "Bearer" } });

  let inboxes: EmailInbox[];
  try {
    inboxes = await findEmailInboxesByToken(auth[1]!);
  } catch (error) {
    console.error(`[inbound email] inbox lookup failed: ${(error as Error).message}`);
    return errorResponse(503, "unavailable", "Temporary failure, try again", { headers: { "retry-after": "5" } });
  }
  if (inboxes.length === 0) return errorResponse(401, "unauthorized", "Unknown inbox token", { headers: { "www-authenticate": "Bearer" } });

  const type = (req.headers.get("content-type") ?? "message/rfc822").split(";")[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.has(type)) return errorResponse(415, "unsupported_media_type", "Send the raw message as Content-Type: message/rfc822");

  const max = env().EMAIL_MAX_BYTES;
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > max) return errorResponse(413, "payload_too_large", `The message exceeds ${max} bytes`);
  const raw = await readLimited(req, max);
  if (raw === null) return errorResponse(413, "payload_too_large", `The message exceeds ${max} bytes`);
  if (raw.length === 0 || raw.toString("latin1").trim() === "") return errorResponse(400, "invalid_input", "The body must be a raw RFC 5322 message");

  try {
    // One token may serve several inboxes: the message's recipient picks among them.
    const result = await ingestEmail({ inbox: inboxes, raw, receivedVia: "http" });
    return json({ id: result.messageId, eventId: result.eventId, conversationId: result.conversationId, customerId: result.customerId, duplicate: result.duplicate }, 202);
  } catch (error) {
    if (error instanceof EmailRejectedError || !isTemporaryFailure(error)) {
      return errorResponse(422, "rejected", (error as Error).message.replace(/^\d\.\d\.\d+\s*/, ""));
    }
    console.error(`[inbound email] storing failed: ${(error as Error).message}`);
    return errorResponse(503, "unavailable", "Temporary failure, try again", { headers: { "retry-after": "5" } });
  }
}
