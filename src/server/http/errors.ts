// JSON responses and errors for the REST handlers under /api/v1. Every error
// has one shape: { "error": { "code", "message", "details"? } }.
import { ZodError } from "zod";
import { InvalidCursorError } from "@/server/timeline/cursor";
import { InvalidIdentityError } from "@/server/customers/normalize";
import { TouchpointError } from "@/server/timeline/ingest";
import { isDatabaseUnavailable } from "@/server/db/faults";
import { jsonResponse } from "./json-response";

export class HttpError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details?: unknown,
    public headers?: Record<string, string>,
  ) {
    super(message);
  }
}

const NO_STORE = { "cache-control": "no-store" };

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return jsonResponse(data, { status, headers: { ...NO_STORE, ...headers } });
}

export function errorResponse(status: number, code: string, message: string, extra: { details?: unknown; headers?: Record<string, string>; body?: Record<string, unknown> } = {}): Response {
  const error: Record<string, unknown> = { code, message };
  if (extra.details !== undefined) error.details = extra.details;
  return json({ error, ...extra.body }, status, extra.headers);
}

/** "customer.email: Invalid email address; name: Required" */
export function formatZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

export function toErrorResponse(error: unknown): Response {
  if (error instanceof HttpError) return errorResponse(error.status, error.code, error.message, { details: error.details, headers: error.headers });
  if (error instanceof ZodError) return errorResponse(400, "invalid_request", formatZodError(error));
  if (error instanceof InvalidCursorError) return errorResponse(400, "invalid_cursor", "cursor is not valid: pass back nextCursor exactly as received");
  if (error instanceof InvalidIdentityError) return errorResponse(400, "invalid_identity", error.message);
  if (error instanceof TouchpointError) return errorResponse(error.code === "not_found" ? 404 : 400, error.code, error.message);
  if (isDatabaseUnavailable(error)) {
    console.error(`[api] database unavailable: ${(error as Error)?.message?.split("\n").pop() ?? String(error)}`);
    return errorResponse(503, "unavailable", "The service is briefly unavailable; nothing was stored. Retry in a few seconds.", { headers: { "retry-after": "5" } });
  }
  console.error(`[api] ${(error as Error)?.stack ?? String(error)}`);
  return errorResponse(500, "internal_error", "Something went wrong on our side; nothing was stored if the request was a write. Try again.");
}

/** Runs a handler body, turning thrown errors into JSON error responses. */
export async function handleApi(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    return toErrorResponse(error);
  }
}
