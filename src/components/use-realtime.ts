"use client";
// One socket.io connection per console tab, shared by every component.
// Subscriptions are re-sent after each reconnect; `onReconnect` lets views
// catch up on what they missed (the server's connection-state recovery covers
// short drops; a re-fetch covers long ones).
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";

let shared: Socket | undefined;
function socket(): Socket {
  if (!shared) {
    shared = io({ path: "/socket.io", transports: ["websocket", "polling"], withCredentials: true });
    keepConnected(shared);
  }
  return shared;
}

/**
 * The server drops a user's sockets when an admin changes their role, teams or
 * active state, so the reconnect is authorized afresh. socket.io does not
 * reconnect after a server-initiated disconnect, so we do, after a short
 * backoff (longer if it keeps happening). A refused handshake means the
 * session is over (deactivated, or signed out elsewhere): say so.
 */
function keepConnected(s: Socket) {
  let attempts = 0;
  let stableTimer: ReturnType<typeof setTimeout> | undefined;
  const reconnectSoon = () => {
    const delay = Math.min(10_000, 300 * 2 ** attempts++) + Math.random() * 300;
    setTimeout(() => {
      if (!s.connected && !s.active) s.connect();
    }, delay);
  };
  s.on("connect", () => {
    clearTimeout(stableTimer);
    stableTimer = setTimeout(() => (attempts = 0), 30_000);
  });
  s.on("disconnect", (reason) => {
    clearTimeout(stableTimer);
    if (reason === "io server disconnect") reconnectSoon(); // socket.io retries the others itself
  });
  s.on("connect_error", async (error) => {
    // s.active: a network failure socket.io retries by itself. Otherwise the
    // handshake was refused; before saying the session ended, ask whether it
    // really is gone (an older server also said "unauthorized" when its
    // database was briefly down).
    if (s.active) return;
    // Refused while the server's database is briefly down: try again shortly.
    if (error.message !== "unauthorized") return reconnectSoon();
    const res = await fetch("/api/trpc/me.get", { credentials: "same-origin" }).catch(() => null);
    if (res?.status === 401) showSessionEnded();
    else reconnectSoon();
  });
}

/** A banner over every console page; built by hand so it needs no React tree of its own. */
function showSessionEnded() {
  if (typeof document === "undefined" || document.getElementById("session-ended")) return;
  const box = document.createElement("div");
  box.id = "session-ended";
  box.setAttribute("role", "alert");
  box.className = "fixed inset-x-0 top-0 z-50 flex items-center justify-center gap-3 bg-slate-900 px-4 py-3 text-sm text-white shadow-lg";
  const text = document.createElement("span");
  text.textContent = "Your session ended. Live updates have stopped.";
  const link = document.createElement("a");
  link.href = `/login?callbackUrl=${encodeURIComponent(location.pathname + location.search)}`;
  link.className = "rounded-md bg-surface px-3 py-1 font-semibold text-slate-900 hover:bg-slate-100";
  link.textContent = "Sign in again";
  box.append(text, link);
  document.body.append(box);
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
