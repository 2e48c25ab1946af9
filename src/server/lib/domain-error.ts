// The one error a domain module throws when a request cannot be done as asked
// (unknown id, bad input, a state that forbids it). Domain modules know
// nothing of HTTP or tRPC: the edges map a DomainError once each, by its
// category (tRPC in src/server/api/trpc.ts, REST in src/server/http/errors.ts).
//
// `code` is the domain's own word for what went wrong ("already_merged",
// "expired"...): callers and tests match on it, and REST bodies show it as
// error.code. `category` is what the edges map; a subclass whose codes span
// several categories sets it per instance, otherwise it follows from the code.

/** What an edge needs to know: 404, 400, 409, 403, or 410 (a link that expired). */
export type DomainErrorCategory = "not_found" | "invalid_input" | "conflict" | "forbidden" | "gone";

/** Codes that name their category; any other code is invalid_input unless the subclass says otherwise. */
const CATEGORY_OF_CODE: Record<string, DomainErrorCategory> = {
  not_found: "not_found",
  invalid_input: "invalid_input",
  invalid: "invalid_input",
  conflict: "conflict",
  forbidden: "forbidden",
  gone: "gone",
};

export class DomainError extends Error {
  /** The domain's own word for the failure (the category when none is given). */
  code: string;
  readonly #category: DomainErrorCategory | undefined;

  constructor(message: string, category?: DomainErrorCategory, code?: string) {
    super(message);
    this.#category = category;
    this.code = code ?? category ?? "invalid_input";
  }

  get category(): DomainErrorCategory {
    return this.#category ?? CATEGORY_OF_CODE[this.code] ?? "invalid_input";
  }
}
