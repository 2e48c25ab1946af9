import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { currentViewer } from "@/server/auth/session";
import { isDatabaseUnavailable } from "@/server/db/faults";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => {
      try {
        return { viewer: await currentViewer(), headers: req.headers };
      } catch (error) {
        // Reading the viewer's role needs the database: an outage is "retry", not a bug.
        if (isDatabaseUnavailable(error)) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The database is briefly unavailable; nothing was saved. Try again in a few seconds.", cause: error });
        throw error;
      }
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
      else if (error.code === "SERVICE_UNAVAILABLE") console.error(`tRPC ${path ?? "?"}: database unavailable`);
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
