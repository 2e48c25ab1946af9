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
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        The REST API as an OpenAPI 3.1 document:{" "}
        <a className="font-medium text-brand-700 hover:underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>{" "}
        (public: tools and integrators may fetch it without a key). Requests need a key from{" "}
        <a className="font-medium text-brand-700 hover:underline" href="/settings/api-keys">
          API keys
        </a>
        .
      </p>
      <ApiReference nonce={nonce} />
    </div>
  );
}
