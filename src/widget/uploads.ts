// Image attachments: which files may be attached, and sending one in chunks
// over the socket ("attachment:chunk"), resuming or restarting after a drop.
import type { Connection } from "./connection";
import type { Ack, ImageType, MaxAttachments } from "./types";
import { uuid } from "./util";
import { t } from "./i18n";

const MAX_BYTES = 5 * 1024 * 1024;
const MAX_FILES: MaxAttachments = 5;
const CHUNK = 256 * 1024;
// The server's lists, checked by the compiler (a value import would ship server code).
export const IMAGE_TYPES: string[] = ["image/png", "image/jpeg", "image/gif", "image/webp"] satisfies ImageType[];

/** Why this file cannot join a message that has `count` images already, or null. */
export function refusal(file: File, count: number): string | null {
  if (!IMAGE_TYPES.includes(file.type)) return t("uploads.onlyImages");
  if (file.size > MAX_BYTES) return t("uploads.tooLarge", { name: file.name });
  if (count >= MAX_FILES) return t("uploads.tooMany", { max: MAX_FILES });
  return null;
}

/** Sends one image in chunks over the socket; resumes or restarts after a drop. Resolves with its attachment id. */
export async function upload(conn: Connection, file: File): Promise<string> {
  const buf = await file.arrayBuffer();
  const uploadId = uuid().replace(/-/g, "");
  let offset = 0;
  for (let failures = 0; ; ) {
    if (!conn.connected) await connected(conn, 60_000);
    let res: Ack<"attachment:chunk">;
    try {
      res = await conn.request("attachment:chunk", { uploadId, filename: file.name, contentType: file.type, size: file.size, offset, data: buf.slice(offset, offset + CHUNK) }, 30_000);
    } catch {
      if (++failures > 5) throw new Error(t("uploads.failed"));
      continue;
    }
    if (!res.ok) {
      if (res.error === "bad_offset") {
        offset = Number(res.received) || 0;
        continue;
      }
      if (res.error === "rate_limited") {
        await new Promise((r) => setTimeout(r, Number(res.retryAfter) || 2_000));
        continue;
      }
      throw new Error(res.message ?? t("uploads.refused"));
    }
    if (res.done) return String(res.attachmentId);
    offset = Number(res.received);
  }
}

function connected(conn: Connection, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (conn.connected) return resolve();
    const s = conn.socket;
    const timer = setTimeout(() => {
      s.off("connect", done);
      reject(new Error(t("uploads.offline")));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    s.once("connect", done);
  });
}
