// Typed low-level calls to REST v1 (every operation of the OpenAPI document),
// through openapi-fetch: paths, parameters, bodies and answers are checked
// against ./schema.ts.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./schema.js";
import type { FetchFn } from "./types.js";

export type ThroughlineApi = Client<paths>;

export function createApiClient(options: { baseUrl: string; apiKey: string; fetch?: FetchFn }): ThroughlineApi {
  const custom = options.fetch;
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    headers: { authorization: `Bearer ${options.apiKey}` },
    // The document's list parameters (channel, kind) are style form, explode false: kind=a,b.
    querySerializer: { array: { style: "form", explode: false } },
    // Looked up per request, so a fetch patched after creation (instrumentation) is used.
    fetch: (request) => (custom ? custom(request) : globalThis.fetch(request)),
  });
}
