// The event bus: every committed write publishes here, and listeners (socket.io
// push, automation rules, metrics) react. The write path does not know who
// listens. In-process by default; with REDIS_URL a Redis transport fans events
// out to every process (see ./redis-transport.ts).
//
// Kept on globalThis so server.ts and Next's bundled route handlers (separate
// module graphs in one process) share one bus.
import { EventEmitter } from "node:events";

export type DomainEvent =
  | { type: "timeline.created"; customerId: string; eventId: string; conversationId?: string | null; inboxId?: string | null; occurredAt: string; item?: unknown }
  | { type: "timeline.updated"; customerId: string; eventId: string; conversationId?: string | null; inboxId?: string | null; item?: unknown }
  | { type: "conversation.updated"; conversationId: string; customerId: string; inboxId: string; changes: Record<string, unknown> }
  | { type: "message.status"; conversationId: string; customerId: string; inboxId: string; messageId: string; status: string; error?: string | null }
  | { type: "customer.merged"; sourceId: string; targetId: string; mergeId: string }
  | { type: "customer.unmerged"; sourceId: string; targetId: string; mergeId: string }
  | { type: "customer.updated"; customerId: string; changes: Record<string, unknown> }
  | { type: "notification.created"; userId: string; notificationId: string; kind: string; data: unknown }
  // Role, teams, active state or a team's inboxes changed: drop these users' sockets.
  | { type: "user.access_changed"; userIds: string[] };

export type EventListener = (event: DomainEvent) => void | Promise<void>;

export interface EventTransport {
  /** Send to other processes. */
  publish(event: DomainEvent): Promise<void>;
  /** Receive from other processes. */
  subscribe(onEvent: (event: DomainEvent) => void): Promise<void>;
  close(): Promise<void>;
}

class EventBus {
  private emitter = new EventEmitter();
  private transport?: EventTransport;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Publish after commit. Local listeners run now; other processes via the transport. */
  publish(event: DomainEvent) {
    this.deliverLocal(event);
    this.transport?.publish(event).catch((error) => {
      console.error(`[bus] transport publish failed: ${(error as Error).message}`);
    });
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

  async useTransport(transport: EventTransport) {
    this.transport = transport;
    await transport.subscribe((event) => this.deliverLocal(event));
  }

  async close() {
    await this.transport?.close();
    this.transport = undefined;
  }

  private deliverLocal(event: DomainEvent) {
    this.emitter.emit("event", event);
  }
}

const g = globalThis as unknown as { __throughlineBus?: EventBus };
export const bus: EventBus = (g.__throughlineBus ??= new EventBus());
export type { EventBus };
