// Errors of the people & teams services, mapped to tRPC codes by the router.
export class PeopleError extends Error {
  constructor(
    public code: "not_found" | "invalid" | "conflict",
    message: string,
  ) {
    super(message);
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002" || /unique constraint/i.test((error as Error)?.message ?? "");
}
