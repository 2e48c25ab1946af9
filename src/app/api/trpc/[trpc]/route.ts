import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { currentViewer } from "@/server/auth/session";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => ({ viewer: await currentViewer(), headers: req.headers }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });

// CSRF: the console's tRPC client sends a custom header, which a cross-site
// form or fetch cannot add without a CORS preflight we never grant; a
// cookie-authenticated mutation without it is refused.
const post = (req: Request) => {
  if (req.headers.get("x-throughline-csrf") !== "1") {
    return Response.json({ error: { code: "csrf", message: "Missing the x-throughline-csrf header." } }, { status: 403 });
  }
  return handler(req);
};

export { handler as GET, post as POST };
