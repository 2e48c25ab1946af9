import { ApiKeysSettings } from "./api-keys-settings";

export const dynamic = "force-dynamic";
export const metadata = { title: "API keys" };

export default function ApiKeysPage() {
  return <ApiKeysSettings />;
}
