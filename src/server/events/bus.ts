// The event bus: every committed write publishes here, and listeners (socket.io
// push, automation rules, metrics) react. The write path does not know who
// listens. It is in-process: each process reacts to its own writes, and with
// REDIS_URL socket.io's Redis adapter carries the pushes (and the few notices
// other processes need) to every process (src/server/realtime/).
//
// Kept on globalThis so server.ts and Next's bundled route handlers (separate
// module graphs in one process) share one bus.
import { EventEmitter } from "node:events";

export type DomainEvent =
  | { type: "timeline.created"; customerId: string; eventId: string; conversationId?: string | null; inboxId?: string | null; occurredAt: string; item?: unknown }
  | { type: "timeline.updated"; customerId: string; eventId: string; conversationId?: string | null; inboxId?: string | null; item?: unknown }
  | { type: "conversation.updated"; conversationId: string; customerId: string; inboxId: string; changes: Record<string, unknown> }
  | { type: "message.status"; conversationId: string; customerId: string; inboxId: string; messageId: string; status: string; error?: string | null }
  | { type: "customer.created"; customerId: string }
  | { type: "customer.merged"; sourceId: string; targetId: string; mergeId: string }
  | { type: "customer.unmerged"; sourceId: string; targetId: string; mergeId: string }
  | { type: "customer.updated"; customerId: string; changes: Record<string, unknown> }
  | { type: "notification.created"; userId: string; notificationId: string; kind: string; data: unknown }
  // Role, teams, active state or a team's inboxes changed: drop these users' sockets.
  | { type: "user.access_changed"; userIds: string[] }
  // Console sessions ended (sign-out, admin, deactivation, password reset): drop their sockets everywhere.
  | { type: "session.revoked"; userId: string; sessionIds: string[] }
  // Every process forgets the key at once (its verified-key cache).
  | { type: "api_key.revoked"; apiKeyId: string };

export type EventListener = (event: DomainEvent) => void | Promise<void>;

class EventBus {
  private emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Publish after commit; listeners run now. */
  publish(event: DomainEvent) {
    this.emitter.emit("event", event);
  }

  publishAll(events: DomainEvent[]) {
    for (const e of events) this.publish(e);
  }

  on(listener: EventListener): () => void {
    const wrapped = (event: DomainEvent) => {
      try {
        const r = listener(event);
        if (r && typeof (r as Promise<void>).catch === "function") {
          (r as Promise<void>).catch((error) => console.error(`[bus] listener failed: ${(error as Error).message}`));
        }
      } catch (error) {
        console.error(`[bus] listener failed: ${(error as Error).message}`);
      }
    };
    this.emitter.on("event", wrapped);
    return () => this.emitter.off("event", wrapped);
  }
}

const g = globalThis as unknown as { __throughlineBus?: EventBus };
export const bus: EventBus = (g.__throughlineBus ??= new EventBus());
export type { EventBus };
