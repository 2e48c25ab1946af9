import { db } from "@/server/db";

export const dynamic = "force-dynamic";
export const metadata = { title: "Help center" };

export default async function HelpCenter() {
  const articles = await db.article.findMany({
    where: { status: "published", locale: "en" },
    orderBy: [{ category: "asc" }, { title: "asc" }],
    select: { id: true, slug: true, title: true, category: true, body: true },
  });
  const byCategory = new Map<string, typeof articles>();
  for (const a of articles) byCategory.set(a.category, [...(byCategory.get(a.category) ?? []), a]);
  return (
    <main className="mx-auto max-w-4xl px-6 py-10">
      <h1 className="text-3xl font-semibold tracking-tight">How can we help?</h1>
      <p className="mt-2 text-slate-600">Guides and answers from the Acme Cloud support team.</p>
      {articles.length === 0 ? <p className="mt-8 text-slate-500">No articles published yet.</p> : null}
      <div className="mt-8 grid gap-6 md:grid-cols-2">
        {[...byCategory].map(([category, list]) => (
          <section key={category} className="rounded-xl border border-slate-200 bg-white p-5">
            <h2 className="font-semibold">{category}</h2>
            <ul className="mt-2 space-y-2">
              {list.map((a) => (
                <li key={a.id}>
                  <p className="font-medium text-brand-700">{a.title}</p>
                  <p className="line-clamp-2 text-sm text-slate-600">{a.body.replace(/[#*_`>]/g, "").slice(0, 180)}</p>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </main>
  );
}
