// Calls the lean HTTP layer (src/server/http/app.ts) in this process, through
// its router, as the custom server does: the request's URL picks the route.
// Shaped like a route module ({ GET, POST, OPTIONS }) so contract tests read
// as they did when each path was a Next route handler.
import { buildApiApp } from "@/server/http/app";

const app = buildApiApp();
const send = async (req: Request, _ctx?: unknown): Promise<Response> => app.fetch(req);

export const api = { GET: send, POST: send, OPTIONS: send };
