// src/sdk/schema.ts is generated from the OpenAPI document; a change to the
// REST v1 schemas without `npm run sdk:build` leaves the SDK typed against an
// API that no longer exists. Regenerated here in memory and compared.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE, sdkSchemaSource, typeableDocument } from "../../../scripts/sdk-types";

describe("the SDK's generated types", () => {
  it("are those of the current OpenAPI document (else: npm run sdk:build)", async () => {
    const committed = readFileSync(SCHEMA_FILE, "utf8");
    const fresh = await sdkSchemaSource();
    expect(committed === fresh, "src/sdk/schema.ts is stale: run npm run sdk:build").toBe(true);
  }, 30_000);

  it("type the event's customer as 'at least one of email, externalId, phone', not unknown", async () => {
    const source = await sdkSchemaSource();
    const event = source.slice(source.indexOf("Event: {"), source.indexOf("EventsRequest:"));
    expect(event).not.toMatch(/\| unknown/);
    expect(event.replace(/\s+/g, " ")).toContain("} & ({ email: string; } | { externalId: string; } | { phone: string; })");
  }, 30_000);

  it("restates only bare `required` anyOf members and leaves other schemas alone", () => {
    const doc = {
      a: { type: "object", properties: { x: { type: "string" }, y: { type: "number" } }, anyOf: [{ required: ["x"] }, { required: ["y"] }] },
      b: { anyOf: [{ type: "string" }, { type: "number" }] },
      c: { type: "object", properties: { x: { type: "string" } }, anyOf: [{ required: ["x"], description: "kept" }] },
    };
    expect(typeableDocument(doc)).toEqual({
      a: {
        type: "object",
        properties: { x: { type: "string" }, y: { type: "number" } },
        oneOf: [
          { type: "object", required: ["x"], properties: { x: { type: "string" } } },
          { type: "object", required: ["y"], properties: { y: { type: "number" } } },
        ],
      },
      b: doc.b,
      c: doc.c,
    });
  });
});
