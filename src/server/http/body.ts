// Reading a JSON request body with a hard size limit: the limit is enforced
// while streaming, so a client that lies about (or omits) Content-Length
// cannot make us buffer more than the limit. The parsed value's depth and
// size are bounded too (src/server/security/json-shape.ts), before any code
// walks it.
import { checkJsonShape, type JsonShapeLimits } from "@/server/security/json-shape";
import { HttpError } from "./errors";

export const ONE_MB = 1024 * 1024;

export async function readJsonBody(req: Request, maxBytes = ONE_MB, shape: JsonShapeLimits = {}): Promise<unknown> {
  const tooLarge = () => new HttpError(413, "payload_too_large", `Request body is larger than ${maxBytes} bytes.`);
  const declared = req.headers.get("content-length");
  if (declared && Number(declared) > maxBytes) throw tooLarge();
  if (!req.body) throw new HttpError(400, "invalid_json", "Request body is empty; send JSON.");
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) throw new HttpError(400, "invalid_json", "Request body is empty; send JSON.");
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "invalid_json", "Request body is not valid JSON.");
  }
  const refusal = checkJsonShape(body, shape);
  if (refusal) throw new HttpError(400, refusal.code, refusal.message);
  return body;
}
