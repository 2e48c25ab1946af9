// How every client event of the /widget namespace is answered: rate limited
// per visitor, validated against its schema, then acknowledged with
// { ok: true, ... } or { ok: false, error, message? }.
import type { z } from "zod";
import { InvalidIdentityError } from "@/server/customers/normalize";
import { TouchpointError } from "@/server/ingest/record";
import { RATE_LIMITS, type Acks, type ClientEvent, type ClientEvents } from "../protocol";
import { RateLimiter } from "../rate-limit";
import { WidgetError } from "../service";
import type { VisitorSocket } from "./context";

type AckFn = (response: unknown) => void;

const limiter = new RateLimiter(RATE_LIMITS);

export function handle<E extends ClientEvent>(
  socket: VisitorSocket,
  event: E,
  action: keyof typeof RATE_LIMITS,
  schema: z.ZodType<ClientEvents[E]>,
  fn: (input: ClientEvents[E]) => Promise<Acks[E]>,
) {
  socket.on(event as string, async (payload: unknown, maybeAck?: unknown) => {
    const ack: AckFn = typeof maybeAck === "function" ? (maybeAck as AckFn) : typeof payload === "function" ? (payload as AckFn) : () => undefined;
    if (typeof payload === "function") payload = undefined;
    const wait = await limiter.hit(socket.data.session.visitorId, action);
    if (wait > 0) return ack({ ok: false, error: "rate_limited", message: "Slow down a little.", retryAfter: wait });
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return ack({ ok: false, error: "invalid_payload", message: parsed.error.issues[0]?.message ?? "invalid payload" });
    try {
      ack({ ok: true, ...(await fn(parsed.data)) });
    } catch (error) {
      if (error instanceof WidgetError) return ack({ ok: false, error: error.code, message: error.message, ...error.extra });
      if (error instanceof InvalidIdentityError) return ack({ ok: false, error: "invalid_payload", message: error.message });
      // Refused input (not a fault): the widget must not resend it.
      if (error instanceof TouchpointError && error.code === "invalid_input") return ack({ ok: false, error: "invalid_payload", message: error.message });
      console.error(`[widget] ${event} failed: ${(error as Error).stack ?? error}`);
      ack({ ok: false, error: "server_error", message: "Something went wrong. Please try again." });
    }
  });
}
