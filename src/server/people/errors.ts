// Errors of the people & teams services (a DomainError: the API edges map it).
import { DomainError } from "@/server/lib/domain-error";
export class PeopleError extends DomainError {
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
