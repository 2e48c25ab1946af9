// The console's error states: a malformed id (BAD_REQUEST on an id field) is
// "Not found", like an unknown id; other refused input stays an error.
import { describe, expect, it } from "vitest";
import { isNotFoundError } from "@/components/ui";

const badRequest = (fieldErrors: Record<string, string[]>, formErrors: string[] = []) => ({ message: "[…zod issues…]", data: { code: "BAD_REQUEST", zodError: { fieldErrors, formErrors } } });

describe("isNotFoundError", () => {
  it("NOT_FOUND is not found", () => {
    expect(isNotFoundError({ message: "No such conversation.", data: { code: "NOT_FOUND" } })).toBe(true);
  });
  it("BAD_REQUEST refusing only id fields is not found", () => {
    expect(isNotFoundError(badRequest({ id: ["Invalid UUID"] }))).toBe(true);
    expect(isNotFoundError(badRequest({ customerId: ["Invalid UUID"] }))).toBe(true);
    expect(isNotFoundError(badRequest({ id: ["Invalid UUID"], conversationId: ["Invalid UUID"] }))).toBe(true);
  });
  it("other BAD_REQUESTs, other codes and no error are not", () => {
    expect(isNotFoundError(badRequest({ body: ["Too long"] }))).toBe(false);
    expect(isNotFoundError(badRequest({ id: ["Invalid UUID"], body: ["Too long"] }))).toBe(false);
    expect(isNotFoundError(badRequest({}, ["Expected object"]))).toBe(false);
    expect(isNotFoundError({ message: "input too deep", data: { code: "BAD_REQUEST", zodError: null } })).toBe(false);
    expect(isNotFoundError({ message: "boom", data: { code: "INTERNAL_SERVER_ERROR" } })).toBe(false);
    expect(isNotFoundError(null)).toBe(false);
  });
});
