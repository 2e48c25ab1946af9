// Settings → API keys → API reference: the REST API's OpenAPI document
// (GET /api/v1/openapi.json, public) rendered in the console.
import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { ApiReference } from "./api-reference";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("settings.apiReference");
  return { title: t("metaTitle") };
}

export default async function ApiReferencePage() {
  // The renderer is loaded by our own script with this request's nonce (src/proxy.ts).
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  const t = await getTranslations("settings.apiReference");
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        {t.rich("intro", {
          doc: (c) => (
            <a className="font-medium text-brand-700 hover:underline" href="/api/v1/openapi.json">
              {c}
            </a>
          ),
          keys: (c) => (
            <a className="font-medium text-brand-700 hover:underline" href="/settings/api-keys">
              {c}
            </a>
          ),
        })}
      </p>
      <ApiReference nonce={nonce} />
    </div>
  );
}
