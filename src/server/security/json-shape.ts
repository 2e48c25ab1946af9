// Bounds on the shape of JSON from outside, checked right after parsing and
// before anything walks it. JSON.parse copes with any depth, but much of what
// comes after recurses (JSON.stringify in Prisma's jsonb writes gives up near
// 4,000 levels, the text checks in src/server/text/storable.ts sooner), so a
// 60 KB body of brackets would otherwise end as a 500. The walk here is
// iterative, so it is safe on any input, and stops at the first node over a
// limit.
//
// The limits fit every legitimate payload with room to spare (measured in
// tests/unit/security/json-shape.test.ts): the deepest are platform webhooks (WhatsApp
// statuses, 11 levels); the largest are events API batches (1,000 events with
// nested properties, ~33,000 keys and elements) and platform webhook batches
// (1,000 WhatsApp changes, ~20,000), which get BATCH_JSON_LIMITS. tRPC inputs,
// widget and console socket events stay under a few hundred.

export type JsonShapeLimits = { maxDepth?: number; maxNodes?: number };

export type JsonShapeRefusal = { code: "json_too_deep" | "json_too_large"; message: string };

export const DEFAULT_MAX_DEPTH = 32;
export const DEFAULT_MAX_NODES = 10_000;

/** For endpoints that take batches (the events API, platform webhooks): a 1,000-item batch at 100 keys and elements per item. */
export const BATCH_JSON_LIMITS = { maxDepth: DEFAULT_MAX_DEPTH, maxNodes: 100_000 } as const;

/**
 * Only arrays and plain objects (what JSON.parse makes) are walked; anything
 * else is a leaf: Buffers in socket.io packets would otherwise count every byte.
 */
function childrenOf(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === "object") {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null) return Object.values(value as Record<string, unknown>);
  }
  return null;
}

/**
 * null when value nests at most maxDepth containers deep and has at most
 * maxNodes keys and array elements in all; otherwise which limit it exceeds.
 * A scalar is depth 0, `[]` and `{}` depth 1, `[[1]]` depth 2.
 */
export function checkJsonShape(value: unknown, { maxDepth = DEFAULT_MAX_DEPTH, maxNodes = DEFAULT_MAX_NODES }: JsonShapeLimits = {}): JsonShapeRefusal | null {
  const tooDeep: JsonShapeRefusal = { code: "json_too_deep", message: `JSON nests deeper than ${maxDepth} levels.` };
  const tooLarge: JsonShapeRefusal = { code: "json_too_large", message: `JSON has more than ${maxNodes} keys and elements.` };
  const root = childrenOf(value);
  if (!root) return null;
  if (maxDepth < 1) return tooDeep;
  // Depth-first with an explicit stack of containers still to open.
  const stack: { children: unknown[]; depth: number }[] = [{ children: root, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { children, depth } = stack.pop()!;
    nodes += children.length;
    if (nodes > maxNodes) return tooLarge;
    for (const child of children) {
      const grandchildren = childrenOf(child);
      if (!grandchildren) continue;
      if (depth + 1 > maxDepth) return tooDeep;
      stack.push({ children: grandchildren, depth: depth + 1 });
    }
  }
  return null;
}
