// Image attachments from the widget. socket.io frames are capped at 1 MB on
// this server (maxHttpBufferSize), so images up to 5 MB arrive in chunks over
// the socket; a completed upload is kept as an Attachment row without a message,
// tagged with its visitor, until the message that carries it is stored (its
// bytes are then copied into the message's attachment in the same transaction
// as the message, and the staging row is removed). Stale staging rows are
// swept after a day.
import { db } from "@/server/db";

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_CHUNK_BYTES = 512 * 1024;
export const MAX_ATTACHMENTS_PER_MESSAGE = 5;
export const ALLOWED_IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

export function stagingTag(inboxId: string, visitorId: string) {
  return `widget-upload:${inboxId}:${visitorId}`;
}

/** Does the content really look like the image type it claims? (No SVG, no HTML posing as an image.) */
export function sniffImage(data: Buffer, contentType: string): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  switch (contentType) {
    case "image/png":
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case "image/jpeg":
      return starts(0xff, 0xd8, 0xff);
    case "image/gif":
      return data.subarray(0, 6).toString("latin1") === "GIF87a" || data.subarray(0, 6).toString("latin1") === "GIF89a";
    case "image/webp":
      return data.subarray(0, 4).toString("latin1") === "RIFF" && data.subarray(8, 12).toString("latin1") === "WEBP";
    default:
      return false;
  }
}

export function safeFilename(name: string, contentType: string): string {
  const ext = contentType.split("/")[1]!.replace("jpeg", "jpg");
  const base = name
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, "_")
    .trim()
    .slice(0, 120);
  return base || `image.${ext}`;
}

type Upload = { filename: string; contentType: string; size: number; chunks: Buffer[]; received: number; at: number };

/** In-progress uploads of one socket (at most a few at a time). */
export class UploadBuffer {
  private uploads = new Map<string, Upload>();

  constructor(private maxConcurrent = 3) {}

  /** Adds a chunk. Returns the whole file when the last chunk arrived. */
  add(
    uploadId: string,
    meta: { filename: string; contentType: string; size: number },
    offset: number,
    data: Buffer,
  ): { ok: true; received: number; done?: { filename: string; contentType: string; size: number; data: Buffer } } | { ok: false; error: string; received?: number } {
    if (!(ALLOWED_IMAGE_TYPES as readonly string[]).includes(meta.contentType)) return { ok: false, error: "unsupported_type" };
    if (meta.size <= 0 || meta.size > MAX_ATTACHMENT_BYTES) return { ok: false, error: "too_large" };
    if (data.length === 0 || data.length > MAX_CHUNK_BYTES) return { ok: false, error: "bad_chunk" };
    let u = this.uploads.get(uploadId);
    if (!u) {
      if (offset !== 0) return { ok: false, error: "bad_offset", received: 0 };
      this.sweep();
      if (this.uploads.size >= this.maxConcurrent) return { ok: false, error: "too_many_uploads" };
      u = { filename: meta.filename, contentType: meta.contentType, size: meta.size, chunks: [], received: 0, at: Date.now() };
      this.uploads.set(uploadId, u);
    }
    if (u.size !== meta.size || u.contentType !== meta.contentType) return { ok: false, error: "bad_chunk" };
    if (offset !== u.received) return { ok: false, error: "bad_offset", received: u.received };
    if (u.received + data.length > u.size) {
      this.uploads.delete(uploadId);
      return { ok: false, error: "too_large" };
    }
    u.chunks.push(Buffer.from(data));
    u.received += data.length;
    u.at = Date.now();
    if (u.received < u.size) return { ok: true, received: u.received };
    this.uploads.delete(uploadId);
    return { ok: true, received: u.received, done: { filename: u.filename, contentType: u.contentType, size: u.size, data: Buffer.concat(u.chunks) } };
  }

  clear() {
    this.uploads.clear();
  }

  private sweep() {
    const cutoff = Date.now() - 10 * 60 * 1000;
    for (const [id, u] of this.uploads) if (u.at < cutoff) this.uploads.delete(id);
  }
}

/** Unclaimed uploads one visitor may keep staged (5 MB each): bounds what a visitor can park on disk. */
export const MAX_STAGED_PER_VISITOR = 10;

export class TooManyStagedError extends Error {}

/** Stores a completed upload until a message claims it. Returns its id. */
export async function stageAttachment(inboxId: string, visitorId: string, file: { filename: string; contentType: string; size: number; data: Buffer }): Promise<string> {
  const staged = await db.attachment.count({ where: { messageId: null, contentId: stagingTag(inboxId, visitorId) } });
  if (staged >= MAX_STAGED_PER_VISITOR) throw new TooManyStagedError("too many unsent images");
  const row = await db.attachment.create({
    data: {
      filename: safeFilename(file.filename, file.contentType),
      contentType: file.contentType,
      size: file.size,
      data: new Uint8Array(file.data),
      contentId: stagingTag(inboxId, visitorId),
      messageId: null,
    },
    select: { id: true },
  });
  void sweepStaged();
  return row.id;
}

/** This visitor's staged uploads with these ids (others' ids are simply not found). */
export async function loadStaged(inboxId: string, visitorId: string, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db.attachment.findMany({
    where: { id: { in: ids }, messageId: null, contentId: stagingTag(inboxId, visitorId) },
    select: { id: true, filename: true, contentType: true, size: true, data: true },
  });
  return ids.map((id) => rows.find((r) => r.id === id)).filter((r): r is NonNullable<typeof r> => !!r);
}

export async function dropStaged(ids: string[]) {
  if (ids.length === 0) return;
  await db.attachment.deleteMany({ where: { id: { in: ids }, messageId: null, contentId: { startsWith: "widget-upload:" } } });
}

let lastSweep = 0;
async function sweepStaged() {
  if (Date.now() - lastSweep < 60 * 60 * 1000) return;
  lastSweep = Date.now();
  try {
    await db.attachment.deleteMany({
      where: { messageId: null, contentId: { startsWith: "widget-upload:" }, createdAt: { lt: new Date(Date.now() - 24 * 3600 * 1000) } },
    });
  } catch (error) {
    console.error(`[widget] sweeping staged uploads failed: ${(error as Error).message}`);
  }
}
