import { DomainError } from "@/server/lib/domain-error";

export class WebhookError extends DomainError {
  constructor(
    public code: "not_found" | "invalid_input" | "conflict",
    message: string,
  ) {
    super(message);
  }
}
