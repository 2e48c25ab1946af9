import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, InvalidCursorError } from "@/server/timeline/cursor";
import { isUuid, uuidv7 } from "@/server/db/ids";

describe("timeline cursor", () => {
  it("round-trips (occurredAt, id) with millisecond precision", () => {
    const c = { occurredAt: new Date("2026-03-01T12:34:56.789Z"), id: "019a0000-0000-7000-8000-000000000001" };
    const encoded = encodeCursor(c);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // URL-safe, no padding
    expect(decodeCursor(encoded)).toEqual(c);
  });

  it("is opaque but rejects anything it did not make", () => {
    const bad = [
      "",
      "garbage",
      "%%%",
      Buffer.from("2026-03-01T00:00:00Z").toString("base64url"),
      Buffer.from("not-a-date|019a0000-0000-7000-8000-000000000001").toString("base64url"),
      Buffer.from("2026-03-01T00:00:00Z|not-a-uuid").toString("base64url"),
      Buffer.from("2026-03-01T00:00:00Z|019a0000-0000-7000-8000-000000000001'; DROP TABLE x;--").toString("base64url"),
    ];
    for (const raw of bad) expect(() => decodeCursor(raw), raw).toThrow(InvalidCursorError);
  });
});

describe("uuidv7", () => {
  it("makes valid version-7 UUIDs", () => {
    const id = uuidv7();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe("7");
    expect(["8", "9", "a", "b"]).toContain(id[19]);
  });

  it("is strictly increasing within a process, even within one millisecond", () => {
    const now = Date.now();
    const ids = Array.from({ length: 10_000 }, () => uuidv7(now));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // A clock that steps back does not break the order.
    expect(uuidv7(now - 60_000) > ids[ids.length - 1]!).toBe(true);
  });

  it("encodes the time in its first 48 bits", () => {
    const t = Date.parse("2030-01-01T00:00:00Z") + 123;
    const id = uuidv7(t);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBeGreaterThanOrEqual(t);
  });
});
