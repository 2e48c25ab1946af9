// webhook: a signed POST of the run (rule, trigger, event, customer, conversation) to an admin-typed URL.
import { createHmac } from "node:crypto";
import { envByName } from "@/env";
import { purposeSecret } from "@/server/security/secrets";
import { guardedFetch, OutboundRefusedError } from "@/server/net/guarded-fetch";
import { actionEntry, ruleLabel } from "./steps";
import type { RuleAction } from "./types";

/** HMAC-SHA256 of the raw body, hex; the key is the named env variable or the instance's webhook-signing key. */
export function signWebhook(body: string, secretEnv?: string): string {
  const key = (secretEnv && envByName(secretEnv)) || purposeSecret("webhook-signing");
  return createHmac("sha256", key).update(body).digest("hex");
}

export const webhook: RuleAction<"webhook"> = async (a, x) => {
  const label = ruleLabel(x);
  const body = JSON.stringify({
    rule: { id: x.rule.id, name: x.rule.name },
    triggerKey: x.triggerKey,
    firedAt: new Date().toISOString(),
    event: x.ctx.event,
    timer: x.ctx.timer ?? null,
    customer: x.ctx.customer ? { id: x.ctx.customer.id, name: x.ctx.customer.name, journeyStage: x.ctx.customer.journeyStage, attributes: x.ctx.customer.attributes } : null,
    conversation: x.ctx.conversation,
  });
  const signature = signWebhook(body, a.secretEnv);
  let status = 0;
  let error: string | null = null;
  let refused: string | null = null;
  try {
    // The URL is admin-typed: the guard refuses internal targets before connecting.
    const res = await guardedFetch(a.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Throughline-Rules/1", "x-throughline-signature": `sha256=${signature}`, "x-throughline-rule": x.rule.id, "x-throughline-delivery": `${x.rule.id}:${x.triggerKey}` },
      body,
    });
    status = res.status;
  } catch (e) {
    // Only the reason is logged for a refusal, never the resolved address.
    refused = e instanceof OutboundRefusedError ? `refused: ${e.reason.replace(/_/g, " ")}` : null;
    error = refused ?? (e as Error).message;
  }
  const host = (() => {
    try {
      return new URL(a.url).host;
    } catch {
      return a.url;
    }
  })();
  await actionEntry(x, a.type, `${label} called webhook ${host} (${refused ?? (error ? "failed" : status)})`, { url: a.url, status, error });
  if (error || status >= 400) throw new Error(`webhook ${host}: ${error ?? `HTTP ${status}`}`);
  return `${label} called webhook ${host} (${status})`;
};
