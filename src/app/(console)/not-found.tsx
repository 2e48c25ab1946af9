// What notFound() in a console page shows (e.g. a malformed id in the URL): the
// same calm notice as an unknown id, inside the console.
import Link from "next/link";
import { MALFORMED_ID_MESSAGE, NotFoundNotice } from "@/components/ui";

export default function ConsoleNotFound() {
  return (
    <div className="mx-auto max-w-3xl space-y-3 p-6">
      <NotFoundNotice message={MALFORMED_ID_MESSAGE} />
      <p className="text-sm">
        <Link href="/inbox" className="font-medium text-brand-700 hover:underline">Back to the inbox</Link>
      </p>
    </div>
  );
}
