"use client";
// One socket.io connection per console tab, shared by every component.
// Subscriptions are re-sent after each reconnect; `onReconnect` lets views
// catch up on what they missed (the server's connection-state recovery covers
// short drops; a re-fetch covers long ones).
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";

let shared: Socket | undefined;
function socket(): Socket {
  shared ??= io({ path: "/socket.io", transports: ["websocket", "polling"], withCredentials: true });
  return shared;
}

export function useConnectionState() {
  const [connected, setConnected] = useState<boolean | null>(null);
  useEffect(() => {
    const s = socket();
    const on = () => setConnected(true);
    const off = () => setConnected(false);
    setConnected(s.connected);
    s.on("connect", on);
    s.on("disconnect", off);
    s.on("connect_error", off);
    return () => {
      s.off("connect", on);
      s.off("disconnect", off);
      s.off("connect_error", off);
    };
  }, []);
  return connected;
}

export function useSubscription(
  subscription: { customerId?: string; conversationId?: string; inboxId?: string; allInboxes?: boolean } | null,
  handlers: Record<string, (payload: unknown) => void>,
  onReconnect?: () => void,
) {
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const reconnectRef = useRef(onReconnect);
  reconnectRef.current = onReconnect;
  const key = subscription ? JSON.stringify(subscription) : null;

  useEffect(() => {
    if (!key) return;
    const s = socket();
    const sub = JSON.parse(key) as Record<string, unknown>;
    let first = true;
    const subscribe = () => {
      s.emit("subscribe", sub);
      if (!first) reconnectRef.current?.();
      first = false;
    };
    if (s.connected) subscribe();
    s.on("connect", subscribe);
    const names = Object.keys(handlersRef.current);
    const listeners = names.map((name) => {
      const fn = (payload: unknown) => handlersRef.current[name]?.(payload);
      s.on(name, fn);
      return [name, fn] as const;
    });
    return () => {
      s.off("connect", subscribe);
      for (const [name, fn] of listeners) s.off(name, fn);
      s.emit("unsubscribe", sub);
    };
  }, [key]);
}

/** The tab's socket (for presence and other request/response messages). */
export function getSocket(): Socket {
  return socket();
}

/**
 * Listen to an event this socket receives without subscribing to anything
 * (e.g. notification.created on the agent's own room, joined at connect).
 */
export function useSocketEvent(name: string, handler: (payload: unknown) => void, onReconnect?: () => void) {
  const ref = useRef(handler);
  ref.current = handler;
  const reconnectRef = useRef(onReconnect);
  reconnectRef.current = onReconnect;
  useEffect(() => {
    const s = socket();
    const fn = (payload: unknown) => ref.current(payload);
    let first = !s.connected;
    const onConnect = () => {
      if (!first) reconnectRef.current?.();
      first = false;
    };
    s.on(name, fn);
    s.on("connect", onConnect);
    return () => {
      s.off(name, fn);
      s.off("connect", onConnect);
    };
  }, [name]);
}
