// JSON responses and errors for the REST handlers under /api/v1. Every error
// has one shape: { "error": { "code", "message", "details"? } }.
import { ZodError } from "zod";
import { InvalidCursorError } from "@/server/timeline/cursor";
import { InvalidIdentityError } from "@/server/customers/normalize";
import { DomainError, type DomainErrorCategory } from "@/server/lib/domain-error";
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

/** The one mapping of domain errors to HTTP statuses (tRPC's is in src/server/api/trpc.ts). */
const HTTP_STATUS: Record<DomainErrorCategory, number> = { not_found: 404, invalid_input: 400, conflict: 409, forbidden: 403, gone: 410 };

/** { "error": { code: the domain's code, message } } with its category's status. */
export function domainErrorResponse(error: DomainError): Response {
  return errorResponse(HTTP_STATUS[error.category], error.code, error.message);
}

export function toErrorResponse(error: unknown): Response {
  if (error instanceof HttpError) return errorResponse(error.status, error.code, error.message, { details: error.details, headers: error.headers });
  if (error instanceof ZodError) return errorResponse(400, "invalid_request", formatZodError(error));
  if (error instanceof InvalidCursorError) return errorResponse(400, "invalid_cursor", "cursor is not valid: pass back nextCursor exactly as received");
  if (error instanceof InvalidIdentityError) return errorResponse(400, "invalid_identity", error.message);
  if (error instanceof DomainError) return domainErrorResponse(error);
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
