// attachment:chunk: one chunk of an image upload, buffered per socket; the
// last one stages the image (checked to really be one) for a message to claim.
import type { Acks, ClientEvents } from "../protocol";
import { WidgetError } from "../service";
import { sniffImage, stageAttachment, TooManyStagedError } from "../uploads";
import type { WidgetEventContext } from "./context";

export async function onAttachmentChunk(ctx: WidgetEventContext, input: ClientEvents["attachment:chunk"]): Promise<Acks["attachment:chunk"]> {
  const s = ctx.session;
  const data = Buffer.isBuffer(input.data) ? input.data : Buffer.from(input.data instanceof ArrayBuffer ? new Uint8Array(input.data) : input.data);
  const r = ctx.socket.data.uploads.add(input.uploadId, input, input.offset, data);
  if (!r.ok) {
    const message = r.error === "too_large" ? "Images can be up to 5 MB." : r.error === "unsupported_type" ? "Only PNG, JPEG, GIF and WebP images can be sent." : r.error;
    throw new WidgetError(r.error, message, r.received !== undefined ? { received: r.received } : {});
  }
  if (!r.done) return { received: r.received };
  if (!sniffImage(r.done.data, r.done.contentType)) throw new WidgetError("unsupported_type", "That file is not a valid image.");
  const attachmentId = await stageAttachment(s.inboxId, s.visitorId, r.done).catch((error: unknown) => {
    if (error instanceof TooManyStagedError) throw new WidgetError("too_many_uploads", "Please send the images you attached before adding more.");
    throw error;
  });
  return { received: r.received, done: true, attachmentId };
}
