// Which errors mean "the database is unreachable: retry later" (HTTP 503, SMTP 451).
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/server/db/faults";

const prismaError = (code: string, cause?: unknown) => Object.assign(new Error("Invalid `prisma.x()` invocation"), { code, meta: cause ? { driverAdapterError: cause } : undefined });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["Prisma P1001 (cannot reach the server)", prismaError("P1001", { name: "DriverAdapterError", cause: { kind: "DatabaseNotReachable" } })],
    ["Prisma P1017 (server closed the connection)", prismaError("P1017")],
    ["Prisma P2024 (pool timeout)", prismaError("P2024")],
    ["adapter ConnectionClosed kind", prismaError("P2010", { name: "DriverAdapterError", cause: { kind: "ConnectionClosed" } })],
    ["SQLSTATE 57P01 admin shutdown from node-postgres", Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" })],
    ["SQLSTATE 57P03 cannot connect now", Object.assign(new Error("the database system is starting up"), { code: "57P03" })],
    ["SQLSTATE 08006 connection failure, nested as a cause", new Error("wrapped", { cause: Object.assign(new Error("connection failure"), { code: "08006" }) })],
    ["socket ECONNREFUSED", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["node-postgres connection terminated", new Error("Connection terminated unexpectedly")],
    ["a database refusing connections (ALLOW_CONNECTIONS false)", prismaError("P2010", { name: "DriverAdapterError", cause: { originalCode: "55000", originalMessage: 'database "x" is not currently accepting connections' } })],
  ])("%s → unavailable", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["unique violation", prismaError("P2002")],
    ["record not found", prismaError("P2025")],
    ["SQLSTATE 23505", Object.assign(new Error("duplicate key"), { code: "23505" })],
    ["a plain bug", new TypeError("Cannot read properties of undefined")],
    ["a string", "nope"],
    ["null", null],
  ])("%s → not unavailable", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("does not loop on a cyclic cause chain", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
