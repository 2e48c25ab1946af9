// What a lean-layer handler gets besides the Request: its path parameters
// (from the router; the same shape Next's route handlers had).
export type RouteContext<K extends string> = { params: Promise<Record<K, string>> };
