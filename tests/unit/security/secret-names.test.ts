// A user-chosen environment-variable name never reaches one of Throughline's
// own secrets: a rule webhook's signing secret must be a RULE_… variable, and a
// social inbox's send token must be a platform token, not NEXTAUTH_SECRET.
import { describe, expect, it } from "vitest";
import { actionSchema } from "@/server/rules/schema";
import { updateSocialInboxInput } from "@/server/channels/social/inboxes";

const webhook = (secretEnv: string) => actionSchema.safeParse({ type: "webhook", url: "https://hooks.example.com/x", secretEnv }).success;

describe("names of secrets chosen in the console", () => {
  it("a rule webhook signs only with a RULE_… variable of its own", () => {
    expect(webhook("RULE_CRM_HOOK_SECRET")).toBe(true);
    for (const name of ["NEXTAUTH_SECRET", "DATABASE_URL", "DEMO_API_KEY", "AWS_SECRET_ACCESS_KEY", "PGPASSWORD", "RULE_"]) expect(webhook(name), name).toBe(false);
  });

  it("a social inbox's send token is a platform token, never one of our secrets or settings", () => {
    for (const name of ["META_PAGE_TOKEN", "WHATSAPP_TOKEN", "ACME_PAGE_TOKEN"]) expect(updateSocialInboxInput.safeParse({ tokenEnv: name }).success, name).toBe(true);
    for (const name of ["NEXTAUTH_SECRET", "DEMO_API_KEY", "META_APP_SECRET", "DATABASE_URL", "WIDGET_IDENTITY_SECRET"]) expect(updateSocialInboxInput.safeParse({ tokenEnv: name }).success, name).toBe(false);
  });
});
