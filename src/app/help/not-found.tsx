// An article address that names nothing (unknown or malformed slug or locale).
import Link from "next/link";

export default function HelpNotFound() {
  return (
    <main className="mx-auto max-w-5xl px-6 py-8">
      <div role="status" className="rounded-2xl bg-surface p-6 ring-1 ring-slate-200" data-testid="not-found">
        <h1 className="text-xl font-semibold">Not found</h1>
        <p className="mt-1 text-sm text-slate-600">There is no article at this address: it may have moved, or the link is mistyped.</p>
        <p className="mt-3 text-sm"><Link href="/help" className="font-medium text-brand-700 hover:underline">Browse all articles</Link></p>
      </div>
    </main>
  );
}
